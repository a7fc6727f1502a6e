// libcurl, opened on first use instead of linked into the binary.
//
// Debian's libcurl needs some thirty shared libraries (LDAP, Kerberos, SASL, GnuTLS with nettle,
// gmp and p11-kit, libssh2, librtmp, ...) and its global initialisation sets up OpenSSL; loading
// and initialising all of that costs a process about 6.5 MiB of resident memory. A daemon with no
// scrape target and no notifier that reaches the network never needs any of it, so tocsin opens
// libcurl.so.4 with dlopen the first time a transfer is about to start, and calls it through the
// table below. Everything else about libcurl (its headers, options, error codes) is as usual.
#pragma once

#include <curl/curl.h>

#include "storage/base/result.h"

namespace tocsin::notifiers {

// The libcurl functions tocsin calls, resolved from the loaded library.
struct CurlLibrary {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_getdate) getdate;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_wakeup) multi_wakeup;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_cleanup) share_cleanup;
  decltype(&::curl_share_setopt) share_setopt;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// libcurl, loaded and globally initialised by the first call (thread-safe; later calls return
// the same table or the same error). It stays loaded until the process exits. The error says
// which library or function is missing.
Result<const CurlLibrary*> LoadCurl();

}  // namespace tocsin::notifiers
