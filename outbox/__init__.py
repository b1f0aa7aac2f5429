"""Delivery of the mail queue on the task engine (django-tasks with its database backend).

post_office's ``Email`` rows stay the outbox; each one waiting to go has a ``Delivery`` naming the one
task allowed to send it. See README.md, Mail queue.
"""
