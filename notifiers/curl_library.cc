#include "notifiers/curl_library.h"

#include <dlfcn.h>
#include <stdlib.h>

#include <string>

namespace tocsin::notifiers {
namespace {

// The soname of Debian's libcurl4 (and of every libcurl since 7.16).
constexpr const char* kSoname = "libcurl.so.4";

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn& fn, std::string& missing) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (fn == nullptr) missing += missing.empty() ? name : std::string(", ") + name;
  return fn != nullptr;
}

Result<const CurlLibrary*> Open() {
  // GnuTLS comes in only as a dependency of libldap and librtmp, which a transfer restricted to
  // http, https and smtp never calls (libcurl itself uses OpenSSL here). Its load-time constructor
  // would still initialise it (crypto back-ends, p11-kit), about 0.7 MiB that nothing uses; this
  // documented switch defers that to an explicit gnutls_global_init, which libldap does when it
  // really needs TLS. Set only if the user has not set it, and before the library loads.
  setenv("GNUTLS_NO_IMPLICIT_INIT", "1", /*overwrite=*/0);
  // RTLD_LOCAL: nothing else in the process should bind to libcurl's symbols by accident.
  void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Error{std::string("cannot load ") + kSoname + ": " + (why ? why : "unknown error")};
  }
  static CurlLibrary lib;
  std::string missing;
  Resolve(handle, "curl_easy_init", lib.easy_init, missing);
  Resolve(handle, "curl_easy_cleanup", lib.easy_cleanup, missing);
  Resolve(handle, "curl_easy_reset", lib.easy_reset, missing);
  Resolve(handle, "curl_easy_setopt", lib.easy_setopt, missing);
  Resolve(handle, "curl_easy_getinfo", lib.easy_getinfo, missing);
  Resolve(handle, "curl_easy_perform", lib.easy_perform, missing);
  Resolve(handle, "curl_easy_strerror", lib.easy_strerror, missing);
  Resolve(handle, "curl_getdate", lib.getdate, missing);
  Resolve(handle, "curl_multi_init", lib.multi_init, missing);
  Resolve(handle, "curl_multi_cleanup", lib.multi_cleanup, missing);
  Resolve(handle, "curl_multi_add_handle", lib.multi_add_handle, missing);
  Resolve(handle, "curl_multi_remove_handle", lib.multi_remove_handle, missing);
  Resolve(handle, "curl_multi_perform", lib.multi_perform, missing);
  Resolve(handle, "curl_multi_poll", lib.multi_poll, missing);
  Resolve(handle, "curl_multi_wakeup", lib.multi_wakeup, missing);
  Resolve(handle, "curl_multi_info_read", lib.multi_info_read, missing);
  Resolve(handle, "curl_share_init", lib.share_init, missing);
  Resolve(handle, "curl_share_cleanup", lib.share_cleanup, missing);
  Resolve(handle, "curl_share_setopt", lib.share_setopt, missing);
  Resolve(handle, "curl_slist_append", lib.slist_append, missing);
  Resolve(handle, "curl_slist_free_all", lib.slist_free_all, missing);
  if (!missing.empty()) {
    return Error{std::string(kSoname) + " lacks " + missing + " (libcurl 7.68 or newer needed)"};
  }
  using GlobalInit = decltype(&::curl_global_init);
  GlobalInit global_init = nullptr;
  if (!Resolve(handle, "curl_global_init", global_init, missing)) {
    return Error{std::string(kSoname) + " lacks curl_global_init"};
  }
  if (const CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return Error{"libcurl's global initialisation failed: " + std::string(lib.easy_strerror(rc))};
  }
  return &lib;
}

}  // namespace

Result<const CurlLibrary*> LoadCurl() {
  // A function-local static: initialised once even when threads race to the first transfer.
  static const Result<const CurlLibrary*> loaded = Open();
  return loaded;
}

}  // namespace tocsin::notifiers
