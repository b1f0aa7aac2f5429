"""Every email to a patient is in the language they wrote in, its links to that language's pages;
staff are written to in the site's language, whatever the patient's."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from post_office.models import Email

from inquiries.models import Inquiry
from inquiries.services import confirm_booking, send_reply
from tests.factories import InquiryFactory, LocationFactory

pytestmark = pytest.mark.django_db


def spanish(name, *args):
    with translation.override("es"):
        return reverse(name, args=args)


def test_an_inquiry_sent_from_the_spanish_form_is_acknowledged_in_spanish_and_staff_told_in_english(
    patient, form_data, desk
):
    response = patient.post(spanish("inquiries:new"), form_data())
    assert response.status_code == 303
    assert response["Location"] == "/es/inquiries/thanks/"
    inquiry = Inquiry.objects.get()
    assert inquiry.language == "es"
    acknowledgement = Email.objects.get(to=["pat@example.com"])
    assert acknowledgement.subject == f"Recibimos su consulta ({inquiry.reference})"
    staff = Email.objects.get(to=[desk.email])
    assert staff.subject.startswith("New inquiry") or inquiry.reference in staff.subject
    assert "consulta" not in staff.subject + staff.message


def test_the_thank_you_page_of_the_spanish_form_is_in_spanish(patient, form_data):
    patient.post(spanish("inquiries:new"), form_data())
    html = patient.get(spanish("inquiries:thanks")).content.decode()
    assert '<html lang="es">' in html
    assert Inquiry.objects.get().reference in html


def test_the_news_email_and_its_link_are_in_the_patients_language(desk):
    inquiry = InquiryFactory(language="es")
    with translation.override("en"):  # the staff member answers from an English admin
        send_reply(inquiry=inquiry, author=desk, body="Le esperamos el martes.")
    email = inquiry.emails.get()
    assert email.subject == f"Novedades sobre su consulta {inquiry.reference}"
    assert "https://clinic.example/es/inquiries/thread/?token=" in email.message


def test_a_booking_is_written_to_the_patient_in_their_language_and_date_format(desk):
    harbor = LocationFactory(name="Harbor Point", street="12 Quay Street", city="Portsmouth")
    when = timezone.make_aware(datetime(2031, 3, 4, 9, 30))
    inquiry = InquiryFactory(
        language="es", status=Inquiry.Status.BOOKED, booked_for=when, booked_location=harbor
    )
    with translation.override("en"):
        (message,) = confirm_booking(inquiry=inquiry, author=desk)
    assert "Su cita está programada para el martes 4 de marzo de 2031 a las 9:30" in message.body


def test_a_booking_in_the_admin_list_reads_day_first_in_spanish():
    from django.contrib import admin

    inquiry = InquiryFactory(
        status=Inquiry.Status.BOOKED,
        booked_for=timezone.make_aware(datetime(2031, 12, 14, 9, 30)),
        booked_location=LocationFactory(name="Bayside"),
    )
    model_admin = admin.site.get_model_admin(Inquiry)
    with translation.override("es"):
        assert str(model_admin.appointment(inquiry)) == "Reservada: 14 Dic, 09:30 Bayside"
    with translation.override("en"):
        assert str(model_admin.appointment(inquiry)) == "Booked Dec 14, 09:30 Bayside"
