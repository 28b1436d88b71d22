"""AWS Signature Version 4 for one request, by hand.

The only AWS call the main image makes is CloudFront's CreateInvalidation;
botocore (requirements-s3.txt only) would be 15 MB for one signed POST.
The algorithm: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
"""

import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"


def signed_headers(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    service: str,
    now: datetime,
    session_token: str = "",
) -> dict[str, str]:
    """``headers`` plus Host, X-Amz-Date, the session token if any, and the Authorization that signs them all.

    ``now`` must be in UTC.
    """
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    headers = {**headers, "Host": parts.netloc, "X-Amz-Date": amz_date}
    if session_token:
        headers["X-Amz-Security-Token"] = session_token
    canonical_headers = sorted((name.lower(), " ".join(value.split())) for name, value in headers.items())
    names = ";".join(name for name, _ in canonical_headers)
    # Every service but S3 signs the path encoded once more than it is sent.
    canonical_request = "\n".join(
        [
            method,
            quote(parts.path or "/", safe="/-_.~"),
            "&".join(
                f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}"
                for key, value in sorted(parse_qsl(parts.query, keep_blank_values=True))
            ),
            *(f"{name}:{value}" for name, value in canonical_headers),
            "",
            names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = f"AWS4{secret_access_key}".encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={names}, Signature={signature}"
    )
    return headers
