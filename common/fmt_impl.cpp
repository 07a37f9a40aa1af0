// libfmt's compiled part, built into walnut instead of linked from libfmt.so (issue 19, lean
// linking: Debian ships no libfmt.a, and libfmt.so would bring the shared libstdc++ back into
// processes that link it statically). format-inl.h defines fmt's non-template functions in
// this one translation unit; the templates that format.h declares `extern` are instantiated
// here, the rest the linker reports as undefined if a new fmt version needs more. Built with
// FMT_STATIC_THOUSANDS_SEPARATOR (common/CMakeLists.txt): no std::locale, whose facets alone
// are ~350 kB of code that fault-around pages in (issue 19).
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
#ifndef FMT_STATIC_THOUSANDS_SEPARATOR
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
#endif
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API void buffer<char>::append(const char*, const char*);
template FMT_API void vformat_to(buffer<char>&, string_view,
                                 basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
template FMT_API void buffer<wchar_t>::append(const wchar_t*, const wchar_t*);

}  // namespace detail
FMT_END_NAMESPACE
