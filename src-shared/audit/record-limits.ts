/**
 * How large a record may be (documented in docs/FORMAT.md). The writer refuses anything larger and the
 * verifier rejects it by its stored size, before reading it: a hostile log with a 200 MiB payload must
 * not make an auditor's machine allocate gigabytes. The largest legitimate payload is a reviewed plan
 * (a plan file is at most 256 KiB), far below the cap.
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Every other column (time, ceremony and station ids, actor, type, hashes) is short text. */
export const MAX_FIELD_BYTES = 1024;
/** A signed checkpoint (root, station signature, a few co-signatures) is a few kilobytes. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;
