"""The step-through page: the layer graph, the equation panel, the timeline, the transport."""
