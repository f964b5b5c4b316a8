"""A user's hand-written backprop, run apart and judged line by line.

The user's file runs in a spawned child process (sandbox) under a line tracer (tracer),
on copies, with a time and memory limit; the child hands back plain data. The parent
sets every value a line wrote beside bpviz's own and names the cause of each wrong one
by testing hypotheses on the numbers (diagnose). numpy and the standard library only.
"""
