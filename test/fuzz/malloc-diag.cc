// Diagnostics for the fuzz suites' memory checks (not part of Vigil, not built by npm): glibc's
// malloc statistics (mallinfo2: arena, in use, free) and malloc_trim(0), which Node does not
// expose. They tell memory that native code holds from memory glibc keeps free for reuse, which
// RSS counts alike. Build by hand and pass the file to a fuzz run:
//   g++ -O1 -shared -fPIC -DNODE_GYP_MODULE_NAME=mallocdiag -I/usr/include/node test/fuzz/malloc-diag.cc -o /tmp/malloc-diag.node
//   VIGIL_FUZZ_MALLOC_ADDON=/tmp/malloc-diag.node npm run test:fuzz -- --memlog /tmp/mem.jsonl …
#include <node_api.h>
#include <malloc.h>
static napi_value Info(napi_env env, napi_callback_info) {
  struct mallinfo2 m = mallinfo2();
  napi_value o, v;
  napi_create_object(env, &o);
#define SET(name, val) napi_create_double(env, (double)(val), &v); napi_set_named_property(env, o, name, v);
  SET("arena", m.arena); SET("ordblks", m.ordblks); SET("hblks", m.hblks); SET("hblkhd", m.hblkhd);
  SET("uordblks", m.uordblks); SET("fordblks", m.fordblks); SET("keepcost", m.keepcost);
  return o;
}
static napi_value Trim(napi_env env, napi_callback_info) {
  napi_value v; napi_create_int32(env, malloc_trim(0), &v); return v;
}
static napi_value Init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "info", NAPI_AUTO_LENGTH, Info, nullptr, &f); napi_set_named_property(env, exports, "info", f);
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, nullptr, &f); napi_set_named_property(env, exports, "trim", f);
  return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
