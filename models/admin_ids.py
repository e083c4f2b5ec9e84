"""ADMIN_IDS and the users table: a configured admin is an admin, and returns to the role
they had once their id leaves the list.

`users.role_before_admin_ids` records where an admin role came from: the role the user
had before the list made them an admin, or NULL when the role is the table's own (given
in the bot, or the user was an admin already). Pure rules, no database.
"""

from __future__ import annotations

from models.entities import User
from models.enums import Role


def apply_admin_ids(user: User, *, listed: bool) -> bool:
    """Bring `user`'s role in line with ADMIN_IDS; True when something changed.

    Listed and not an admin: an admin now, remembering the role they had. No longer
    listed but made an admin by the list: back to that role.
    """
    if listed:
        if user.role is Role.ADMIN:
            return False
        user.role_before_admin_ids = user.role
        user.role = Role.ADMIN
        return True
    if user.role_before_admin_ids is None:
        return False
    user.role = user.role_before_admin_ids
    user.role_before_admin_ids = None
    return True
