"""Small widgets shared by the pages: typeset maths, ..."""
