"""Uploaded media on an S3-compatible bucket (django-storages), chosen by the AWS_* settings.

The bucket is private and no page ever links to it: the URL of a stored file is our own
``MEDIA_URL`` (``/media/<name>``), where ``clinic_site.media`` streams it from the bucket with the
headers that keep an uploaded file from acting as a page of the site. No presigned or public bucket
URL is ever handed to a browser.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class MediaBucketStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(clean_name(name)))
