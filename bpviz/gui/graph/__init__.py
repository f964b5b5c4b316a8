"""The network drawing: layout, node and edge items, arrows and their animation."""
