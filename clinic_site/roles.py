"""The names of the staff groups, the one place they are spelt out, and how a staff member is named.

The strings are stored in existing databases (auth_group.name), so they never change. This module
imports nothing, which keeps it safe to use from migrations as well as from code.
"""

EDITORS = "Editors"
COMMENT_MODERATORS = "Comment moderators"
INQUIRY_HANDLERS = "Inquiry handlers"


def staff_name(user) -> str:
    """A staff member as pages and lists name them: their full name, else their username."""
    return user.get_full_name() or user.username
