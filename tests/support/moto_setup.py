"""Sets up the S3 server the tests start (moto's): a user whose keys may do anything in S3, the
buckets named on the command line, and with --check-credentials then turns on moto's checking
of credentials, so that wrong keys are refused as a real store refuses them. Prints the user's
key id and secret.

    python3 tests/support/moto_setup.py http://127.0.0.1:PORT [--check-credentials] BUCKET...

moto 5 refuses the signature of some correctly signed requests once it checks them (a listing
with a delimiter: SignatureDoesNotMatch), so only the credentials test turns checking on.
"""

import json
import sys
import urllib.request

import boto3

endpoint, buckets = sys.argv[1], sys.argv[2:]
check = "--check-credentials" in buckets
buckets = [b for b in buckets if b != "--check-credentials"]
# Before checking is on, moto takes any key: these only say which service a request is for.
setup = dict(
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="setup",
    aws_secret_access_key="setup",
)
iam = boto3.client("iam", **setup)
iam.create_user(UserName="replay-html-tests")
iam.put_user_policy(
    UserName="replay-html-tests",
    PolicyName="s3",
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    ),
)
key = iam.create_access_key(UserName="replay-html-tests")["AccessKey"]
s3 = boto3.client("s3", **setup)
for bucket in buckets:
    s3.create_bucket(Bucket=bucket)
if check:
    request = urllib.request.Request(
        endpoint + "/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "application/octet-stream"},
    )
    urllib.request.urlopen(request).read()
print(key["AccessKeyId"], key["SecretAccessKey"])
