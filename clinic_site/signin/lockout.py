"""django-axes with a limit of its own for each lockout parameter set (``AXES_LOCKOUT_LIMITS``).

django-axes compares one count, the largest over the sets in ``AXES_LOCKOUT_PARAMETERS``, with one
``AXES_FAILURE_LIMIT``. Here each set's failures are scaled to that limit first, so that, say, 20
failures from one address count as much as 5 for one username from one address.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _key(parameter) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(parameter)


class PerParameterLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures of the set closest to its own limit, in units of ``AXES_FAILURE_LIMIT``.

        ``count * limit // set_limit`` reaches ``limit`` exactly when ``count`` reaches ``set_limit``.
        """
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        scores = [0]
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            set_limit = settings.AXES_LOCKOUT_LIMITS.get(_key(parameter), limit)
            scores.append(count * limit // set_limit)
        return max(scores)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a right password, forget the failures of this username from this address only.

        The username's count from other addresses and the address's count for other usernames
        run on until the cool-off: otherwise signing in to one's own account would reset a
        password-spraying count, and the owner of a targeted account would reset the guessing.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
