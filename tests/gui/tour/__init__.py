"""The README, walked in order: one module per section about the app, one test per claim.
Each test does what the README says a person does (a key, a menu item, a button, a dialog
filled through its widgets) and checks what the README says they then see; its docstring
quotes the sentence it checks.

When the README changes, the tour changes with it.
"""
