"""The background tasks. Each is run by ``manage.py task_worker`` (``make worker``)."""

from django_tasks import task

from . import services


@task(takes_context=True)
def deliver_email(context, email_id: int) -> str:
    """Send one email of the outbox once; what happens is decided by the email's own state."""
    return services.deliver(email_id, task_id=context.task_result.id)
