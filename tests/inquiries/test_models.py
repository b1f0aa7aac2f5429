from inquiries.models import Inquiry

# The clinic's side of an inquiry: its identity, the handling, and what the form adds itself.
CLINIC_FIELDS = {
    "id",
    "booked_for",
    "booked_location",
    "link_generation",
    "link_secret",
    "reference",
    "submission_token",
    "consent_at",
    "source_article",
    "status",
    "assignee",
    "received_at",
    "language",
    "first_response_at",
    "closed_at",
}


def test_every_field_of_an_inquiry_is_either_the_patients_or_the_clinics():
    # A new field has to be placed on one side: the patient's side is masked and read-only.
    fields = {field.name for field in Inquiry._meta.concrete_fields}
    assert fields - set(Inquiry.PATIENT_FIELDS) == CLINIC_FIELDS
    assert set(Inquiry.PATIENT_FIELDS) <= fields


def test_what_the_patient_says_about_their_health_counts_as_health_details():
    # No email, log line or error report may carry these; moving one out is a decision, not a tidy-up.
    assert set(Inquiry.HEALTH_FIELDS) == {"condition", "symptoms", "duration", "treatments_tried"}
