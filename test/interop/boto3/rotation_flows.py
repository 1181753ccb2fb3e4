"""Rotation and multi-Region flows of AWS's 2025 import API, driven by boto3 against the Keyrite
KMS emulator. The material is wrapped by openssl (RSAES_OAEP_SHA_256), not by Keyrite, so both ends
of every import are independent of the code under test. Prints one JSON line of observations;
any assertion failure exits non-zero with its message on stderr."""
import base64
import json
import os
import subprocess
import sys
import tempfile

import boto3
import botocore
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
OPENSSL = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/openssl"


def client(region):
    return boto3.client(
        "kms",
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="test-secret",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )


def wrap(public_key_der, material):
    with tempfile.TemporaryDirectory() as d:
        pub = os.path.join(d, "pub.der")
        with open(pub, "wb") as f:
            f.write(public_key_der)
        out = subprocess.run(
            [OPENSSL, "pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey", pub,
             "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256",
             "-pkeyopt", "rsa_mgf1_md:sha256"],
            input=material, capture_output=True, check=True)
        return out.stdout


def import_material(kms, key_id, material, **extra):
    p = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    r = kms.import_key_material(
        KeyId=key_id, ImportToken=p["ImportToken"],
        EncryptedKeyMaterial=wrap(p["PublicKey"], material),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", **extra)
    return r["KeyMaterialId"]


def states(kms, key_id):
    r = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    return [(e["KeyMaterialId"], e["KeyMaterialState"], e.get("ImportState")) for e in r["Rotations"]]


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


seen = {"botocore": botocore.__version__}

# --- Rotation of a single-Region key ---------------------------------------------------------------
east = client("us-east-1")
key = east.create_key(Origin="EXTERNAL", Description="boto3 rotation")["KeyMetadata"]
kid = key["KeyId"]
m1, m2 = os.urandom(32), os.urandom(32)
first = import_material(east, kid, m1, KeyMaterialDescription="first material")
old_blob = east.encrypt(KeyId=kid, Plaintext=b"before")["CiphertextBlob"]
second = import_material(east, kid, m2, ImportType="NEW_KEY_MATERIAL",
                         KeyMaterialDescription="ceremony rot-1 quorum 2 of 3")
assert second != first
assert states(east, kid) == [(first, "CURRENT", "IMPORTED"), (second, "PENDING_ROTATION", "IMPORTED")], states(east, kid)
assert east.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"] == first
assert east.rotate_key_on_demand(KeyId=kid)["KeyId"] == key["Arn"]
assert east.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"] == second
entries = east.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
assert entries[1]["RotationType"] == "ON_DEMAND" and "RotationDate" in entries[1], entries
assert entries[1]["KeyMaterialDescription"] == "ceremony rot-1 quorum 2 of 3"
assert [e["KeyMaterialId"] for e in east.list_key_rotations(KeyId=kid)["Rotations"]] == [second]
d = east.decrypt(CiphertextBlob=old_blob)
assert d["Plaintext"] == b"before" and d["KeyMaterialId"] == first, d
seen["rotation"] = {"first": first, "second": second, "entry_members": sorted(entries[1].keys())}
seen["rotate_without_pending"] = error_code(lambda: east.rotate_key_on_demand(KeyId=kid))

# Reimport by id: delete the old material, prove it is the same by importing it under its id.
east.delete_imported_key_material(KeyId=kid, KeyMaterialId=first)
assert east.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "PendingImport"
seen["reimport_other_material"] = error_code(lambda: import_material(
    east, kid, os.urandom(32), ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=first))
assert import_material(east, kid, m1, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=first) == first
assert east.decrypt(CiphertextBlob=old_blob)["Plaintext"] == b"before"

# --- Multi-Region ----------------------------------------------------------------------------------
west = client("eu-west-1")
mrk = east.create_key(Origin="EXTERNAL", MultiRegion=True)["KeyMetadata"]
mid = mrk["KeyId"]
rep = east.replicate_key(KeyId=mid, ReplicaRegion="eu-west-1")
assert rep["ReplicaKeyMetadata"]["KeyState"] == "Creating"
assert rep["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
assert west.describe_key(KeyId=mid)["KeyMetadata"]["KeyState"] == "PendingImport"
seen["replica_new_material"] = error_code(lambda: import_material(west, mid, os.urandom(32)))
r1 = os.urandom(32)
p_id = import_material(east, mid, r1)
assert import_material(west, mid, r1, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=p_id) == p_id
blob = east.encrypt(KeyId=mid, Plaintext=b"cross")["CiphertextBlob"]
assert west.decrypt(CiphertextBlob=blob)["Plaintext"] == b"cross"
r2 = os.urandom(32)
p2 = import_material(east, mid, r2, ImportType="NEW_KEY_MATERIAL")
seen["primary_pending_state"] = states(east, mid)[1][1]
seen["rotate_before_replicas"] = error_code(lambda: east.rotate_key_on_demand(KeyId=mid))
import_material(west, mid, r2, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=p2)
assert states(east, mid)[1][1] == "PENDING_ROTATION"
seen["rotate_on_replica"] = error_code(lambda: west.rotate_key_on_demand(KeyId=mid))
east.rotate_key_on_demand(KeyId=mid)
assert west.describe_key(KeyId=mid)["KeyMetadata"]["CurrentKeyMaterialId"] == p2
assert [s for (_, s, _) in states(west, mid)] == ["NON_CURRENT", "CURRENT"]
assert west.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == p_id
config = east.describe_key(KeyId=mid)["KeyMetadata"]["MultiRegionConfiguration"]
seen["multi_region"] = {
    "primary": config["PrimaryKey"]["Region"],
    "replicas": [r["Region"] for r in config["ReplicaKeys"]],
}
print(json.dumps(seen))
