"""The staff roles, as the names of their groups. Code, migrations and tests all name them from here.

Plain strings and nothing else, so that migrations may import this module.
"""

EDITORS = "Editors"
COMMENT_MODERATORS = "Comment moderators"
INQUIRY_HANDLERS = "Inquiry handlers"
