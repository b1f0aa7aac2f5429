from django.urls import path
from django.views.generic import TemplateView

app_name = "inquiries"

# Placeholder until the inquiries issue lands; replaced wholesale there.
urlpatterns = [
    path("new/", TemplateView.as_view(template_name="inquiries/placeholder.html"), name="new"),
]
