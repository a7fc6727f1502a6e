// Go's fmt package over template values: what {{ . }}, print, printf and println write.
//
// Every verb and flag Go's fmt knows for the kinds templates have (bool, integers, float64,
// strings, slices, maps, structs, pointers), String methods honoured as fmt honours Stringers,
// and fmt's error forms: %!d(string=foo), %!d(MISSING), %!(EXTRA int=1), %!(BADWIDTH),
// %!(BADPREC), %!(NOVERB), %!v(BADINDEX).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/template/function.h"
#include "engine/template/value.h"

namespace tocsin::tmpl {

// fmt.Sprint: spaces between operands when neither is a string.
void AppendSprint(std::string& out, std::span<const Value> args, CallContext& ctx);
// fmt.Sprintln: spaces between all operands and a final newline.
void AppendSprintln(std::string& out, std::span<const Value> args, CallContext& ctx);
// fmt.Sprintf.
void AppendSprintf(std::string& out, std::string_view format, std::span<const Value> args,
                   CallContext& ctx);
// fmt.Sprint of one value (an invalid value prints as "<nil>").
void AppendValue(std::string& out, const Value& v, CallContext& ctx);

// Conveniences for tests and callers without a context.
std::string Sprint(std::span<const Value> args);
std::string Sprintf(std::string_view format, std::span<const Value> args);

}  // namespace tocsin::tmpl
