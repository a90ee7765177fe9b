// BLAKE3 subtree chaining values, so one file can be hashed on several threads: each
// thread reduces its pieces (power-of-two runs of chunks) to chaining values, and the
// root is the same tree over those. Compression comes from the official C implementation
// (its SIMD hash_many); what this file adds is only the tree shape of the BLAKE3 spec:
// nodes are paired level by level and an odd last node is carried up unchanged.
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

// The non-root chaining value of `data` as the subtree starting at chunk `counter`; 0
// when out of memory.
static int subtree(const uint8_t *data, size_t len, uint64_t counter, uint8_t out[CV_LEN]) {
  size_t full = len / BLAKE3_CHUNK_LEN, tail = len % BLAKE3_CHUNK_LEN;
  size_t n = full + (tail > 0 || full == 0);
  uint8_t *cvs = malloc(n * CV_LEN);
  const uint8_t **ptrs = malloc((full > 0 ? full : 1) * sizeof *ptrs);
  int ok = cvs != NULL && ptrs != NULL;
  if (ok) {
    for (size_t i = 0; i < full; i++) ptrs[i] = data + i * BLAKE3_CHUNK_LEN;
    blake3_hash_many(ptrs, full, BLAKE3_CHUNK_LEN / BLAKE3_BLOCK_LEN, IV, counter, true, 0, CHUNK_START, CHUNK_END, cvs);
    if (n > full) partial_chunk_cv(data + full * BLAKE3_CHUNK_LEN, tail, counter + full, cvs + full * CV_LEN);
    ok = reduce_to(cvs, n, 0, out);
  }
  free(cvs);
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
  return subtree(data, len, (uint64_t)first, out) ? NULL : throw_error(env, "ENOMEM", "out of memory");
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

// hashFile(fd, size, threads, state): the whole file hashed as b3sum does, mapped into
// memory (a piece at a time) and split across `threads` threads, off the JavaScript
// thread; resolves to the 32-byte digest. state: Float64Array(2), [0] bytes hashed so far (written here, read by
// JavaScript for progress), [1] set to 1 by JavaScript to stop (rejects with "aborted").
#define PIECE_LEN (4u << 20)

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref state_ref;
  volatile double *state;
  int fd;
  uint64_t size;
  uint32_t threads;
  uint8_t *cvs;
  size_t pieces;
  int error;  // errno, or -1 out of memory, or -2 aborted
  uint8_t digest[CV_LEN];
} file_job;

typedef struct {
  file_job *job;
  size_t first, end;
  int error;  // as file_job's
} share;

static void *hash_share(void *arg) {
  share *sh = arg;
  file_job *job = sh->job;
  for (size_t p = sh->first; p < sh->end; p++) {
    if (job->state[1] != 0) return NULL;
    uint64_t at = (uint64_t)p * PIECE_LEN;
    size_t len = job->size - at < PIECE_LEN ? (size_t)(job->size - at) : PIECE_LEN;
    // One piece mapped at a time: mapped file pages count as the process's memory, so a
    // whole 2 GiB mapping showed 2 GiB of RSS. MAP_POPULATE maps it in one call.
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, job->fd, (off_t)at);
    if (map == MAP_FAILED) {
      sh->error = errno;
      return NULL;
    }
    int ok = subtree(map, len, at / BLAKE3_CHUNK_LEN, job->cvs + p * CV_LEN);
    munmap(map, len);
    if (!ok) {
      sh->error = -1;
      return NULL;
    }
    job->state[0] += (double)len;  // progress only: an update lost between threads is harmless
  }
  return NULL;
}

static void hash_file_execute(napi_env env, void *data) {
  file_job *job = data;
  job->pieces = (size_t)((job->size + PIECE_LEN - 1) / PIECE_LEN);
  job->cvs = malloc(job->pieces * CV_LEN);
  if (job->cvs == NULL) {
    job->error = -1;
    return;
  }
  uint32_t n = job->threads < 1 ? 1 : job->threads > 64 ? 64 : job->threads;
  share shares[64];
  pthread_t ids[64];
  uint32_t started = 0;
  for (uint32_t t = 0; t < n; t++) shares[t] = (share){job, job->pieces * t / n, job->pieces * (t + 1) / n, 0};
  // This thread takes the first share; the others get threads of their own.
  for (uint32_t t = 1; t < n; t++) started += pthread_create(&ids[t], NULL, hash_share, &shares[t]) == 0 ? 1 : 0;
  for (uint32_t t = started + 1; t < n; t++) hash_share(&shares[t]);  // threads that did not start
  hash_share(&shares[0]);
  for (uint32_t t = 1; t <= started; t++) pthread_join(ids[t], NULL);
  for (uint32_t t = 0; t < n && job->error == 0; t++) job->error = shares[t].error;
  if (job->state[1] != 0) job->error = -2;
  else if (job->error == 0 && !reduce_to(job->cvs, job->pieces, ROOT, job->digest)) job->error = -1;
  free(job->cvs);
}

static void hash_file_complete(napi_env env, napi_status status, void *data) {
  file_job *job = data;
  if (job->error == 0) {
    napi_value digest;
    void *bytes;
    napi_create_buffer_copy(env, CV_LEN, job->digest, &bytes, &digest);
    napi_resolve_deferred(env, job->deferred, digest);
  } else {
    napi_value message, code, error;
    const char *text = job->error == -2 ? "aborted" : job->error == -1 ? "out of memory" : strerror(job->error);
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, job->error == -2 ? "ABORT_ERR" : "EIO", NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_reference(env, job->state_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value hash_file(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  double size;
  uint32_t threads;
  napi_typedarray_type type;
  size_t length, offset;
  void *state;
  napi_value buffer;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_double(env, argv[1], &size) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &threads) != napi_ok ||
      napi_get_typedarray_info(env, argv[3], &type, &length, &state, &buffer, &offset) != napi_ok || type != napi_float64_array ||
      length < 2 || size < 2.0 * PIECE_LEN)
    return throw_error(env, "ERR_INVALID_ARG", "hashFile(fd, size >= 8 MiB, threads, state: Float64Array(2))");
  file_job *job = calloc(1, sizeof *job);
  if (job == NULL) return throw_error(env, "ENOMEM", "out of memory");
  job->fd = fd;
  job->size = (uint64_t)size;
  job->threads = threads;
  job->state = state;
  napi_create_reference(env, argv[3], 1, &job->state_ref);
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "blake3HashFile", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, hash_file_execute, hash_file_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"subtreeCv", NULL, subtree_cv, NULL, NULL, NULL, napi_default, NULL},
      {"rootHash", NULL, root_hash, NULL, NULL, NULL, napi_default, NULL},
      {"hashFile", NULL, hash_file, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}
