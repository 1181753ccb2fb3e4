// The manual import flow of the reference documents, run unchanged with AWS CLI v2 and OpenSSL against
// the emulator (--endpoint-url): it must succeed as documented, and the documented mistake must fail
// the way AWS fails.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliHarness, OPENSSL, startCliHarness } from './harness/awscli.js';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'wrap');

let cli: CliHarness;
let dir: string;

before(async () => {
  cli = await startCliHarness();
  dir = cli.dir;
});

after(async () => {
  await cli?.close();
});

const sh = (script: string) => cli.sh(script);
const ok = (script: string) => cli.ok(script);

void describe('AWS CLI v2 + OpenSSL against the emulator', () => {
  void test('the support article flow (RSAES_OAEP_SHA_256 with openssl pkeyutl) imports and enables the key', async () => {
    // Verbatim from the AWS support article, including its positional awk parsing of the JSON output.
    await ok(`
export REGION=us-east-1
export KEY_ALIAS=kms_key_with_externalmaterial
export KEY_ID=\`aws kms create-key --region $REGION --origin EXTERNAL --description $KEY_ALIAS --query KeyMetadata.KeyId --output text\`
echo "$KEY_ID" > key-id.txt
aws kms --region $REGION create-alias --alias-name alias/$KEY_ALIAS --target-key-id $KEY_ID
aws kms --region $REGION describe-key --key-id $KEY_ID --query KeyMetadata.KeyState --output text > state-before.txt
export KEY_PARAMETERS=\`aws kms --region $REGION get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048\`
echo $KEY_PARAMETERS | awk '{print $7}' | tr -d '",' | base64 --decode > PublicKey.bin
echo $KEY_PARAMETERS | awk '{print $5}' | tr -d '",' | base64 --decode > ImportToken.bin
${OPENSSL} rand -out PlaintextKeyMaterial.bin 32
${OPENSSL} pkeyutl -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin -inkey PublicKey.bin -keyform DER \\
            -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
aws kms --region $REGION import-key-material --key-id $KEY_ID --encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
aws kms --region $REGION describe-key --key-id $KEY_ID --query KeyMetadata.KeyState --output text > state-after.txt
`);
    assert.equal(readFileSync(path.join(dir, 'state-before.txt'), 'utf8').trim(), 'PendingImport');
    assert.equal(readFileSync(path.join(dir, 'state-after.txt'), 'utf8').trim(), 'Enabled');
    // The imported bytes are the ones openssl generated: encrypt through KMS via the alias, decrypt back.
    const plain = await ok(`
printf 'interop' > msg.txt
aws kms encrypt --key-id alias/kms_key_with_externalmaterial --plaintext fileb://msg.txt --query CiphertextBlob --output text | base64 --decode > ct.bin
aws kms decrypt --ciphertext-blob fileb://ct.bin --query Plaintext --output text | base64 --decode
`);
    assert.equal(plain, 'interop');
    // Reimporting the same material (the documented way to change expiry) is accepted.
    await ok(`
KEY_ID=$(cat key-id.txt)
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --query PublicKey --output text | base64 --decode > PublicKey2.bin
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --query ImportToken --output text | base64 --decode > ImportToken2.bin
${OPENSSL} pkeyutl -in PlaintextKeyMaterial.bin -out Again.bin -inkey PublicKey2.bin -keyform DER -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
aws kms import-key-material --key-id $KEY_ID --encrypted-key-material fileb://Again.bin --import-token fileb://ImportToken2.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
`);
  });

  void test('the documented mistake (openssl default SHA-1 with RSAES_OAEP_SHA_256 parameters) fails with InvalidCiphertextException', async () => {
    const r = await sh(`
KEY_ID=\`aws kms create-key --origin EXTERNAL --query KeyMetadata.KeyId --output text\`
echo "$KEY_ID" > mistake-key.txt
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 > params.json
split_params params.json PK.bin IT.bin
${OPENSSL} rand -out Material.bin 32
${OPENSSL} pkeyutl -in Material.bin -out Wrapped.bin -inkey PK.bin -keyform DER -pubin -encrypt -pkeyopt rsa_padding_mode:oaep
aws kms import-key-material --key-id $KEY_ID --encrypted-key-material fileb://Wrapped.bin --import-token fileb://IT.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
`);
    assert.equal(r.code, 254, 'AWS CLI v2 exits 254 on a service error');
    assert.match(
      r.stderr,
      /An error occurred \(InvalidCiphertextException\) when calling the ImportKeyMaterial operation/,
    );
    const state = await ok(
      'aws kms describe-key --key-id $(cat mistake-key.txt) --query KeyMetadata.KeyState --output text',
    );
    assert.equal(state, 'PendingImport');
  });

  void test('the developer-guide flow (openssl rsautl -oaep, i.e. SHA-1) works with RSAES_OAEP_SHA_1 parameters', async () => {
    const state = await ok(`
KEY_ID=\`aws kms create-key --origin EXTERNAL --query KeyMetadata.KeyId --output text\`
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_1 --wrapping-key-spec RSA_2048 --query PublicKey --output text > PublicKey.b64
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_1 --wrapping-key-spec RSA_2048 --query ImportToken --output text > ImportToken.b64
${OPENSSL} enc -d -base64 -A -in PublicKey.b64 -out PublicKey1.bin
${OPENSSL} enc -d -base64 -A -in ImportToken.b64 -out ImportToken1.bin
${OPENSSL} rand -out PlaintextKeyMaterial1.bin 32
${OPENSSL} rsautl -encrypt -in PlaintextKeyMaterial1.bin -oaep -inkey PublicKey1.bin -keyform DER -pubin -out EncryptedKeyMaterial1.bin 2>/dev/null
aws kms import-key-material --key-id $KEY_ID --encrypted-key-material fileb://EncryptedKeyMaterial1.bin --import-token fileb://ImportToken1.bin --expiration-model KEY_MATERIAL_EXPIRES --valid-to $(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
aws kms describe-key --key-id $KEY_ID --query '[KeyMetadata.KeyState,KeyMetadata.ExpirationModel]' --output text
`);
    assert.equal(state.replace(/\s+/g, ' '), 'Enabled KEY_MATERIAL_EXPIRES');
  });

  void test('RSA_AES_KEY_WRAP_SHA_256: openssl -id-aes256-wrap-pad + OAEP, RSA part first; the key then signs as the material does', async () => {
    writeFileSync(
      path.join(dir, 'PrivateKey.der'),
      readFileSync(path.join(FIXTURES, 'material-rsa-2048.p8.der')),
    );
    const out = await ok(`
KEY_ID=\`aws kms create-key --origin EXTERNAL --key-spec RSA_2048 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text\`
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 --wrapping-key-spec RSA_4096 > kw-params.json
split_params kw-params.json KwPublicKey.bin KwImportToken.bin
${OPENSSL} rand -out aes-key.bin 32
${OPENSSL} enc -id-aes256-wrap-pad -K "$(xxd -p -c 64 aes-key.bin)" -iv A65959A6 -in PrivateKey.der -out key-material-wrapped.bin
${OPENSSL} pkeyutl -encrypt -in aes-key.bin -out aes-key-wrapped.bin -inkey KwPublicKey.bin -keyform DER -pubin \\
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
cat aes-key-wrapped.bin key-material-wrapped.bin > KwEncryptedKeyMaterial.bin
aws kms import-key-material --key-id $KEY_ID --encrypted-key-material fileb://KwEncryptedKeyMaterial.bin --import-token fileb://KwImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
printf 'signed by the imported key' > sign-me.txt
aws kms sign --key-id $KEY_ID --message fileb://sign-me.txt --message-type RAW --signing-algorithm RSASSA_PSS_SHA_256 --query Signature --output text | base64 --decode > sig.bin
${OPENSSL} pkey -inform DER -in PrivateKey.der -pubout -out material-pub.pem
${OPENSSL} dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify material-pub.pem -signature sig.bin sign-me.txt
aws kms get-public-key --key-id $KEY_ID --query PublicKey --output text | base64 --decode | cmp - <(${OPENSSL} pkey -pubin -in material-pub.pem -outform DER) && echo same-public-key
`);
    assert.match(out, /Verified OK/);
    assert.match(out, /same-public-key/);
  });

  void test('an HMAC key imported with the CLI computes the same MAC as openssl', async () => {
    const out = await ok(`
KEY_ID=\`aws kms create-key --origin EXTERNAL --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC --query KeyMetadata.KeyId --output text\`
aws kms get-parameters-for-import --key-id $KEY_ID --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_3072 > h-params.json
split_params h-params.json HPublicKey.bin HImportToken.bin
${OPENSSL} rand -out hmac-key.bin 32
${OPENSSL} pkeyutl -in hmac-key.bin -out hmac-wrapped.bin -inkey HPublicKey.bin -keyform DER -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
aws kms import-key-material --key-id $KEY_ID --encrypted-key-material fileb://hmac-wrapped.bin --import-token fileb://HImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
printf 'mac me' > mac-msg.txt
echo "kms=$(aws kms generate-mac --key-id $KEY_ID --message fileb://mac-msg.txt --mac-algorithm HMAC_SHA_256 --query Mac --output text | base64 --decode | xxd -p -c 64)"
echo "ossl=$(${OPENSSL} dgst -sha256 -mac HMAC -macopt hexkey:$(xxd -p -c 64 hmac-key.bin) -r mac-msg.txt | cut -d' ' -f1)"
`);
    const kms = /kms=([0-9a-f]+)/.exec(out)?.[1];
    const ossl = /ossl=([0-9a-f]+)/.exec(out)?.[1];
    assert.ok(kms && kms.length === 64, out);
    assert.equal(kms, ossl);
  });
});
