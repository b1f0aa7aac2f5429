"""The names of the staff groups, the one place they are spelt out.

The strings are stored in existing databases (auth_group.name), so they never change. This module
imports nothing, which keeps it safe to use from migrations as well as from code.
"""

EDITORS = "Editors"
COMMENT_MODERATORS = "Comment moderators"
INQUIRY_HANDLERS = "Inquiry handlers"
