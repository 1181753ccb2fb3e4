#!/bin/bash
# The manual import flow of the reference documents (AWS support article "InvalidCiphertext with
# OpenSSL", and AWS's import guide steps 2–4), command by command, with AWS CLI v2 and openssl, against
# the endpoint in $1. The benchmark times this whole script as the reference for one ceremony's
# machine time. Each command is the documented one; only --endpoint-url is added, and the parameters
# are picked with --query instead of awk so the script cannot silently decode the wrong field (one
# call: every GetParametersForImport issues a new wrapping key and token pair).
set -euo pipefail
ENDPOINT="$1"
AWS=/usr/bin/aws
REGION=us-east-1
KEY_ALIAS=manual-$RANDOM$RANDOM
kms() { "$AWS" --endpoint-url "$ENDPOINT" kms --region "$REGION" "$@"; }

KEY_ID=$(kms create-key --origin EXTERNAL --description "$KEY_ALIAS" --query KeyMetadata.KeyId --output text)
kms create-alias --alias-name "alias/$KEY_ALIAS" --target-key-id "$KEY_ID"
kms describe-key --key-id "$KEY_ID" >/dev/null

read -r PUBLIC_KEY IMPORT_TOKEN < <(kms get-parameters-for-import --key-id "$KEY_ID" \
  --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 \
  --query '[PublicKey,ImportToken]' --output text)
printf '%s' "$PUBLIC_KEY" >PublicKey.b64
printf '%s' "$IMPORT_TOKEN" >ImportToken.b64
base64 --decode PublicKey.b64 >PublicKey.bin
base64 --decode ImportToken.b64 >ImportToken.bin

openssl rand -out PlaintextKeyMaterial.bin 32
openssl pkeyutl -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin -inkey PublicKey.bin \
  -keyform DER -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256

kms import-key-material --key-id "$KEY_ID" --encrypted-key-material fileb://EncryptedKeyMaterial.bin \
  --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
STATE=$(kms describe-key --key-id "$KEY_ID" --query KeyMetadata.KeyState --output text)
[ "$STATE" = Enabled ] || { echo "manual flow: key state $STATE, not Enabled" >&2; exit 1; }
