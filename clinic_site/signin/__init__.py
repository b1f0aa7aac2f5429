"""Staff sign-in: a password, then a second factor, before any admin page.

``devices`` holds the rules (which devices a user has, enrolment, recovery codes, resets),
``middleware`` the one gate in front of the admin, ``views`` the steps a person sees, and
``lockout`` the password-guessing limits django-axes applies.
"""
