#!/bin/sh
# Rewrites web/sdk/SRI.txt, the published Subresource Integrity hash of the SDK. Run after editing cwtap.js.
cd "$(dirname "$0")/.." && echo "sha384-$(openssl dgst -sha384 -binary web/sdk/cwtap.js | base64 -w0)  sdk/v1/cwtap.js" > web/sdk/SRI.txt
