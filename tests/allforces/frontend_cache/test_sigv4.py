"""The hand-written SigV4 signer gives the signatures of AWS's own test suite
(https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html)."""

from datetime import UTC, datetime

import pytest

from allforces.frontend_cache.sigv4 import signed_headers

SUITE = {
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "region": "us-east-1",
    "service": "service",
    "now": datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
}


@pytest.mark.parametrize(
    ("method", "url", "signature"),
    [
        (
            "GET",
            "https://example.amazonaws.com/",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        (
            "POST",
            "https://example.amazonaws.com/",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
        (
            "GET",
            "https://example.amazonaws.com/?Param2=value2&Param1=value1",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
    ],
    ids=["get-vanilla", "post-vanilla", "get-vanilla-query-order-key-case"],
)
def test_signatures_match_the_aws_test_suite(method, url, signature):
    headers = signed_headers(method=method, url=url, headers={}, body=b"", **SUITE)
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={signature}"
    )
    assert headers["X-Amz-Date"] == "20150830T123600Z"
    assert headers["Host"] == "example.amazonaws.com"


def test_a_session_token_is_sent_and_signed():
    headers = signed_headers(
        method="POST",
        url="https://example.amazonaws.com/",
        headers={},
        body=b"",
        session_token="token",
        **SUITE,
    )
    assert headers["X-Amz-Security-Token"] == "token"
    assert "SignedHeaders=host;x-amz-date;x-amz-security-token," in headers["Authorization"]
