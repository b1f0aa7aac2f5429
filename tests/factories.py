import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from blog.comments.models import Comment, VerifiedAddress
from blog.models import Article, ArticleLike, Condition, Reference
from clinic_site import roles
from clinic_site.models import Clinician, Location
from clinic_site.signin.models import Passkey


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("a-long-test-password")


class StaffFactory(UserFactory):
    is_staff = True


class ArticleEditorFactory(StaffFactory):
    """Staff who may change articles (blog.change_article), as the Editors group may."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def may_change_articles(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Permission

            self.user_permissions.add(Permission.objects.get(codename="change_article"))


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    street = "1 Harbor Way"
    city = "Portsmouth"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    name = factory.Sequence(lambda n: f"Clinician {n}")
    slug = factory.Sequence(lambda n: f"clinician-{n}")
    credentials = "PT, DPT"
    role = Clinician.Role.PHYSICAL_THERAPIST


def photo_upload(name="photo.png", size=(40, 40)):
    """A small real PNG, for a clinician's photo (its width and height are read from the file)."""
    out = io.BytesIO()
    Image.new("RGB", size, "#0b5d6b").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")
    description = "A condition the clinic treats."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary."
    body = "<p>Some words about moving well.</p>"
    author = factory.SubFactory(ClinicianFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def conditions(self, create, extracted, **kwargs):
        if create and extracted:
            self.conditions.set(extracted)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    title = "Neck Pain: Revision 2017"
    source = "Journal of Orthopaedic & Sports Physical Therapy"
    year = 2017
    doi = "10.2519/jospt.2017.0302"


class ArticleLikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleLike

    article = factory.SubFactory(ArticleFactory)
    browser_key = factory.Sequence(lambda n: f"{n:064x}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = "Thanks, this was helpful."
    status = Comment.Status.APPROVED


# Inquiries (issue 4)


class VerifiedAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerifiedAddress

    email = factory.Sequence(lambda n: f"verified{n}@example.com")


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inquiries.Inquiry"

    name = "Pat Example"
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    symptoms = "Stiff lower back every morning"
    duration = "three weeks"
    treatments_tried = "ice and rest"
    consent_at = factory.LazyFunction(timezone.now)
    submission_token = factory.Sequence(lambda n: f"token-{n}")


class InquiryMessageFactory(factory.django.DjangoModelFactory):
    """A secure reply from the clinic (``sender="patient"`` and no author for the patient's answer)."""

    class Meta:
        model = "inquiries.InquiryMessage"

    inquiry = factory.SubFactory(InquiryFactory)
    sender = "clinic"
    body = "Thank you for writing. A morning appointment would suit us."


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    """A rule to a user when given ``assignee``, else to the "Inquiry handlers" group."""

    class Meta:
        model = "inquiries.RoutingRule"

    name = factory.Sequence(lambda n: f"Rule {n}")
    assignee = None
    group = factory.Maybe(
        "assignee",
        yes_declaration=None,
        no_declaration=factory.LazyFunction(lambda: Group.objects.get(name=roles.INQUIRY_HANDLERS)),
    )


class HandlerFactory(StaffFactory):
    """A staff member in the "Inquiry handlers" group (made by the inquiries data migration)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def handlers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=roles.INQUIRY_HANDLERS))


class InquiryAccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inquiries.InquiryAccessLog"

    user = factory.SubFactory(StaffFactory)
    username = factory.LazyAttribute(lambda log: log.user.username)
    inquiry = factory.SubFactory(InquiryFactory)
    reference = factory.LazyAttribute(lambda log: log.inquiry.reference)


class EmailFactory(factory.django.DjangoModelFactory):
    """A queued email as django-post-office stores it."""

    class Meta:
        model = "post_office.Email"

    from_email = "clinic@example.com"
    to = ["patient@example.com"]
    subject = "Your inquiry reference"
    message = "We have your inquiry."


class DeliveryFactory(factory.django.DjangoModelFactory):
    """An email's delivery record (outbox), here on hold as after a restore."""

    class Meta:
        model = "outbox.Delivery"

    email = factory.SubFactory(EmailFactory, status=2)  # queued
    held_at = factory.LazyFunction(timezone.now)
    hold_reason = "Held after a restore from backup."


class TaskResultFactory(factory.django.DjangoModelFactory):
    """A delivery task as django-tasks-db stores it."""

    class Meta:
        model = "django_tasks_database.DBTaskResult"

    task_path = "outbox.tasks.deliver_email"
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {"email_id": 1}})
    backend_name = "default"
    run_after = factory.LazyFunction(timezone.now)


class EmailLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "post_office.Log"

    email = factory.SubFactory(EmailFactory)
    status = 1
    message = "Connection refused"


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "post_office.EmailTemplate"

    name = factory.Sequence(lambda n: f"template-{n}")
    subject = "Subject"
    content = "Body"


class EmailAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "post_office.Attachment"

    file = factory.django.FileField(filename="note.txt", data=b"a note")
    name = "note.txt"


class LoginAttemptFactory(factory.django.DjangoModelFactory):
    """A failed admin sign-in as django-axes records it."""

    class Meta:
        model = "axes.AccessAttempt"

    user_agent = "Mozilla/5.0"
    ip_address = "127.0.0.1"
    username = "someone"
    http_accept = "text/html"
    path_info = factory.LazyFunction(lambda: reverse("admin:login"))
    get_data = ""
    post_data = "username=someone"
    failures_since_start = 1


class LoginFailureLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "axes.AccessFailureLog"

    user_agent = "Mozilla/5.0"
    ip_address = "127.0.0.1"
    username = "someone"
    http_accept = "text/html"
    path_info = factory.LazyFunction(lambda: reverse("admin:login"))


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (django-otp)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffFactory)
    name = "Authenticator app"
    confirmed = True


class StaticDeviceFactory(factory.django.DjangoModelFactory):
    """A set of recovery codes (django-otp's static device) with two codes."""

    class Meta:
        model = StaticDevice
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory)
    name = "Recovery codes"
    confirmed = True
    code_one = factory.RelatedFactory("tests.factories.StaticTokenFactory", "device", token="recover1")
    code_two = factory.RelatedFactory("tests.factories.StaticTokenFactory", "device", token="recover2")


class StaticTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaticToken

    device = factory.SubFactory(StaticDeviceFactory, code_one=None, code_two=None)
    token = factory.Sequence(lambda n: f"code{n:04d}")


class PasskeyFactory(factory.django.DjangoModelFactory):
    """A stored passkey (its key is not a real one: enough for the admin and the refusals)."""

    class Meta:
        model = Passkey

    user = factory.SubFactory(StaffFactory)
    name = "Passkey"
    confirmed = True
    credential_id = factory.Sequence(lambda n: f"credential-{n}")
    public_key = b"not-a-real-key"
