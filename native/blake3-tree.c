// BLAKE3 subtree chaining values, so one file can be hashed on several threads: each
// thread reduces its pieces (power-of-two runs of chunks) to chaining values, and the
// root is the same tree over those. Compression comes from the official C implementation
// (its SIMD hash_many); what this file adds is only the tree shape of the BLAKE3 spec:
// nodes are paired level by level and an odd last node is carried up unchanged.
#include <stdlib.h>
#include <string.h>
#include "blake3_impl.h"
#include "napi-args.h"

#define CV_LEN 32

static void partial_chunk_cv(const uint8_t *in, size_t len, uint64_t counter, uint8_t out[CV_LEN]) {
  uint32_t cv[8];
  memcpy(cv, IV, sizeof cv);
  uint8_t block[BLAKE3_BLOCK_LEN];
  size_t blocks = len == 0 ? 1 : (len + BLAKE3_BLOCK_LEN - 1) / BLAKE3_BLOCK_LEN;
  for (size_t b = 0; b < blocks; b++) {
    size_t take = len - b * BLAKE3_BLOCK_LEN;
    if (take > BLAKE3_BLOCK_LEN) take = BLAKE3_BLOCK_LEN;
    memset(block, 0, sizeof block);
    memcpy(block, in + b * BLAKE3_BLOCK_LEN, take);
    uint8_t flags = (b == 0 ? CHUNK_START : 0) | (b == blocks - 1 ? CHUNK_END : 0);
    blake3_compress_in_place(cv, block, (uint8_t)take, counter, flags);
  }
  store_cv_words(out, cv);
}

// Reduces n >= 1 chaining values in `cvs` to one, level by level; `last_flags` is added to
// the final parent (ROOT for the whole tree). `tmp` holds n / 2 + 1 values.
static void reduce(uint8_t *cvs, size_t n, uint8_t *tmp, const uint8_t **ptrs, uint8_t last_flags) {
  while (n > 2) {
    size_t pairs = n / 2;
    for (size_t i = 0; i < pairs; i++) ptrs[i] = cvs + 2 * i * CV_LEN;
    blake3_hash_many(ptrs, pairs, 1, IV, 0, false, PARENT, 0, 0, tmp);
    if (n & 1) memcpy(tmp + pairs * CV_LEN, cvs + (n - 1) * CV_LEN, CV_LEN);
    n = pairs + (n & 1);
    memcpy(cvs, tmp, n * CV_LEN);
  }
  if (n == 2) {
    uint32_t cv[8];
    memcpy(cv, IV, sizeof cv);
    blake3_compress_in_place(cv, cvs, BLAKE3_BLOCK_LEN, 0, PARENT | last_flags);
    store_cv_words(cvs, cv);
  }
}

// Reduces n chaining values (left as they are) into out; 0 when out of memory.
static int reduce_to(const uint8_t *cvs, size_t n, uint8_t last_flags, uint8_t out[CV_LEN]) {
  uint8_t *work = malloc(n * CV_LEN + (n / 2 + 1) * CV_LEN);
  const uint8_t **ptrs = malloc((n / 2 + 1) * sizeof *ptrs);
  int ok = work != NULL && ptrs != NULL;
  if (ok) {
    memcpy(work, cvs, n * CV_LEN);
    reduce(work, n, work + n * CV_LEN, ptrs, last_flags);
    memcpy(out, work, CV_LEN);
  }
  free(work);
  free(ptrs);
  return ok;
}

// subtreeCv(data, firstChunk, out): the non-root chaining value of `data` as the subtree
// starting at chunk `firstChunk` (a power-of-two run of whole chunks, or the input's tail).
static napi_value subtree_cv(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *data, *out;
  size_t len, out_len;
  double first;
  if (argc < 3 || !bytes_arg(env, argv[0], &data, &len) || napi_get_value_double(env, argv[1], &first) != napi_ok ||
      !bytes_arg(env, argv[2], &out, &out_len) || out_len < CV_LEN)
    return throw_error(env, "ERR_INVALID_ARG", "subtreeCv(data: Uint8Array, firstChunk: number, out: Uint8Array(32))");
  size_t full = len / BLAKE3_CHUNK_LEN, tail = len % BLAKE3_CHUNK_LEN;
  size_t n = full + (tail > 0 || full == 0);
  uint8_t *cvs = malloc(n * CV_LEN);
  const uint8_t **ptrs = malloc((full > 0 ? full : 1) * sizeof *ptrs);
  int ok = cvs != NULL && ptrs != NULL;
  if (ok) {
    for (size_t i = 0; i < full; i++) ptrs[i] = data + i * BLAKE3_CHUNK_LEN;
    uint64_t counter = (uint64_t)first;
    blake3_hash_many(ptrs, full, BLAKE3_CHUNK_LEN / BLAKE3_BLOCK_LEN, IV, counter, true, 0, CHUNK_START, CHUNK_END, cvs);
    if (n > full) partial_chunk_cv(data + full * BLAKE3_CHUNK_LEN, tail, counter + full, cvs + full * CV_LEN);
    ok = reduce_to(cvs, n, 0, out);
  }
  free(cvs);
  free(ptrs);
  return ok ? NULL : throw_error(env, "ENOMEM", "out of memory");
}

// rootHash(cvs, out): the BLAKE3 hash of an input whose pieces, in order, have the given
// chaining values (at least two: one piece is hashed whole, as the root chunk differs).
static napi_value root_hash(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *cvs, *out;
  size_t len, out_len;
  if (argc < 2 || !bytes_arg(env, argv[0], &cvs, &len) || !bytes_arg(env, argv[1], &out, &out_len) ||
      len < 2 * CV_LEN || len % CV_LEN != 0 || out_len < CV_LEN)
    return throw_error(env, "ERR_INVALID_ARG", "rootHash(cvs: Uint8Array(32 * n), n >= 2, out: Uint8Array(32))");
  return reduce_to(cvs, len / CV_LEN, ROOT, out) ? NULL : throw_error(env, "ENOMEM", "out of memory");
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"subtreeCv", NULL, subtree_cv, NULL, NULL, NULL, napi_default, NULL},
      {"rootHash", NULL, root_hash, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}
