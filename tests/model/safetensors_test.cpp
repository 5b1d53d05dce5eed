// The safetensors parser on files written byte by byte: good ones, and each bad file of robustness M1-M4
// refused with a message naming the file, the tensor and the problem.
#include "core/model/safetensors.h"
#include "tests/support/safetensors_bytes.h"

#include <gtest/gtest.h>

namespace attnviz::model {
namespace {

using test::file_from;
using test::le64;

const std::string kFile = "/models/m/model.safetensors";

#define EXPECT_HAS(haystack, needle) \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

std::string parse_error(const std::string& bytes) {
    Expected<SafetensorsHeader> h = parse_safetensors(bytes, kFile);
    EXPECT_FALSE(h.ok());
    if (h.ok()) return "";
    EXPECT_EQ(h.error().rfind(kFile, 0), 0u) << "the message starts with the file: " << h.error();
    return h.error();
}

// A header with the given entries (JSON text of the members) over `data`, without padding.
std::string raw_file(const std::string& members, const std::string& data) {
    return file_from("{" + members + "}", data, /*pad=*/false);
}

TEST(Safetensors, ParsesTensorsMetadataAndSortsByOffset) {
    // Listed out of order on purpose: the format does not require sorted entries, only a tiling.
    const std::string members = R"("b":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},)"
                                R"("__metadata__":{"format":"pt","note":"x"},)"
                                R"("a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                                R"("empty":{"dtype":"F32","shape":[0,5],"data_offsets":[22,22]},)"
                                R"("scalar":{"dtype":"I64","shape":[],"data_offsets":[22,30]})";
    const std::string bytes = raw_file(members, std::string(30, '\1'));
    Expected<SafetensorsHeader> h = parse_safetensors(bytes, kFile);
    ASSERT_TRUE(h.ok()) << h.error();
    EXPECT_EQ(h->header_size, members.size() + 2);
    EXPECT_EQ(h->data_offset, 8 + members.size() + 2);
    EXPECT_EQ(h->data_size, 30u);
    ASSERT_EQ(h->tensors.size(), 4u);
    EXPECT_EQ(h->tensors[0].name, "a");
    EXPECT_EQ(h->tensors[1].name, "b");
    EXPECT_EQ(h->tensors[2].name, "empty");
    EXPECT_EQ(h->tensors[3].name, "scalar");
    EXPECT_EQ(h->tensors[0].shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(h->tensors[0].n_elements, 4);
    EXPECT_EQ(h->tensors[1].dtype, "F16");
    EXPECT_EQ(h->tensors[1].begin, 16u);
    EXPECT_EQ(h->tensors[1].end, 22u);
    EXPECT_EQ(h->tensors[2].n_elements, 0);
    EXPECT_EQ(h->tensors[3].n_elements, 1);
    ASSERT_EQ(h->metadata.size(), 2u);
    EXPECT_EQ(h->metadata[0], (std::pair<std::string, std::string>{"format", "pt"}));
    ASSERT_NE(h->find("b"), nullptr);
    EXPECT_EQ(h->find("missing"), nullptr);
}

TEST(Safetensors, PaddedHeaderAndEmptyFileOfTensors) {
    Expected<SafetensorsHeader> h = parse_safetensors(file_from("{}", ""), kFile);
    ASSERT_TRUE(h.ok()) << h.error();
    EXPECT_EQ(h->header_size, 8u);  // "{}" and six spaces
    EXPECT_TRUE(h->tensors.empty());
}

TEST(Safetensors, DtypeSizes) {
    EXPECT_EQ(safetensors_dtype_bits("F32"), 32);
    EXPECT_EQ(safetensors_dtype_bits("BF16"), 16);
    EXPECT_EQ(safetensors_dtype_bits("F8_E4M3"), 8);
    EXPECT_EQ(safetensors_dtype_bits("F4"), 4);
    EXPECT_EQ(safetensors_dtype_bits("I64"), 64);
    EXPECT_EQ(safetensors_dtype_bits("f32"), 0);
    EXPECT_TRUE(is_supported_dtype("F16"));
    EXPECT_FALSE(is_supported_dtype("F64"));
    EXPECT_EQ(hex_prefix("\x89PNG"), "89 50 4E 47");
}

// M1 --------------------------------------------------------------------------------------------------

TEST(SafetensorsM1, ForeignFilesAreNamedWithTheirFirstBytes) {
    std::string png = "\x89PNG\r\n\x1a\n";
    png += std::string("\0\0\0\x0dIHDR", 8) + std::string(100, '\0');
    std::string e = parse_error(png);
    EXPECT_HAS(e, "not a safetensors file");
    EXPECT_HAS(e, "PNG image");
    EXPECT_HAS(e, "first bytes 89 50 4E 47 0D 0A 1A 0A");

    e = parse_error("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n");
    EXPECT_HAS(e, "HTML");
    EXPECT_HAS(e, "3C 21 44 4F 43 54 59 50");
    EXPECT_HAS(parse_error("\n  <html lang=en>\n<body>Bad gateway</body></html>"), "HTML");
    EXPECT_HAS(parse_error(std::string("GGUF\3\0\0\0", 8) + std::string(64, '\0')), "GGUF");
    EXPECT_HAS(parse_error(std::string("PK\3\4\0\0\0\0", 8) + std::string(64, '\0')), "zip archive");
    e = parse_error("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1044992\n");
    EXPECT_HAS(e, "Git LFS pointer");
    EXPECT_HAS(e, "git lfs pull");
}

TEST(SafetensorsM1, EmptyAndTooShortFiles) {
    EXPECT_HAS(parse_error(""), "the file is empty");
    const std::string e = parse_error(std::string("\1\2\3\4\5", 5));
    EXPECT_HAS(e, "only 5 bytes");
    EXPECT_HAS(e, "01 02 03 04 05");
}

// M3 --------------------------------------------------------------------------------------------------

TEST(SafetensorsM3, HeaderLengthBounds) {
    // N > 100 MB, with a file far shorter: refused on the length, before anything is allocated.
    std::string e = parse_error(le64(200'000'000) + "{}");
    EXPECT_HAS(e, "header length 200000000 is larger than the 100 MB");
    // N + 8 overflowing 64 bits is refused by the same bound.
    e = parse_error(le64(~std::uint64_t{0}) + "{}");
    EXPECT_HAS(e, "header length 18446744073709551615");
    EXPECT_HAS(e, "FF FF FF FF FF FF FF FF");
    // N + 8 > size: a truncated header.
    e = parse_error(le64(1000) + R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})");
    EXPECT_HAS(e, "the header length 1000 needs 1008 bytes, the file has 62");
}

TEST(SafetensorsM3, HeaderNotUtf8NotJsonOrNotAnObject) {
    EXPECT_HAS(parse_error(le64(8) + "{\"a\xFF\":1}"), "not valid UTF-8 (1 invalid bytes)");
    std::string e = parse_error(le64(4) + "[1] ");
    EXPECT_HAS(e, "must start with '{'");
    EXPECT_HAS(e, "5B 31 5D 20");
    EXPECT_HAS(parse_error(le64(4) + " {} "), "must start with '{'");  // the format allows no leading space
    e = parse_error(le64(10) + "{\"a\": tru}");
    EXPECT_HAS(e, kFile + " header:1:7");
    EXPECT_HAS(e, "not valid JSON");
    EXPECT_HAS(parse_error(le64(6) + "{\"a\":1"), "not valid JSON");
}

// M4 --------------------------------------------------------------------------------------------------

TEST(SafetensorsM4, EntriesMustBeWellFormed) {
    EXPECT_HAS(parse_error(raw_file(R"("w":[1,2])", "")), "tensor \"w\": its entry must be an object");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[1]})", "")),
               "tensor \"w\": its entry needs \"dtype\", \"shape\" and \"data_offsets\"");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":32,"shape":[1],"data_offsets":[0,4]})", "abcd")),
               "tensor \"w\": dtype must be a string");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]})", "abcd")),
               "tensor \"w\" has dtype F33, which safetensors does not define");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]})", "abcd")),
               "tensor \"w\": shape entries must be non-negative integers");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]})", "abcd")),
               "shape entries must be non-negative integers");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":"1","data_offsets":[0,4]})", "abcd")),
               "shape must be an array");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0]})", "abcd")),
               "tensor \"w\": data_offsets must be [begin, end]");
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]})", "abcd")),
               "data_offsets must be [begin, end] with non-negative integers");
}

TEST(SafetensorsM4, ShapeProductOverflow) {
    // 2^40 x 2^40 elements: the product does not fit; refused before any size arithmetic.
    EXPECT_HAS(parse_error(raw_file(R"("big":{"dtype":"F32","shape":[1099511627776,1099511627776],)"
                                    R"("data_offsets":[0,4]})",
                                    "abcd")),
               "tensor \"big\": the product of its shape overflows");
    EXPECT_HAS(parse_error(raw_file(R"("big":{"dtype":"F32","shape":[4294967296,4294967296,16],)"
                                    R"("data_offsets":[0,4]})",
                                    "abcd")),
               "overflows");
}

TEST(SafetensorsM4, SizeMustBeElementsTimesDtypeSize) {
    std::string e =
        parse_error(raw_file(R"("w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]})", "abcdefghijkl"));
    EXPECT_HAS(e, "tensor \"w\": F32 [2, 2] needs 16 bytes but data_offsets [0, 12] hold 12");
    e = parse_error(raw_file(R"("h":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]})", "abcdefgh"));
    EXPECT_HAS(e, "tensor \"h\": BF16 [3] needs 6 bytes");
    e = parse_error(raw_file(R"("q":{"dtype":"F4","shape":[3],"data_offsets":[0,2]})", "ab"));
    EXPECT_HAS(e, "needs 12 bits (not whole bytes)");
}

TEST(SafetensorsM4, EndBeforeBegin) {
    EXPECT_HAS(parse_error(raw_file(R"("w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]})", "abcdefgh")),
               "tensor \"w\": data_offsets end 4 is before begin 8");
}

TEST(SafetensorsM4, GapOverlapTrailingBytesAndTruncation) {
    const std::string a = R"("a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]})";
    std::string e = parse_error(
        raw_file(a + R"(,"b":{"dtype":"F32","shape":[4],"data_offsets":[20,36]})", std::string(36, '\0')));
    EXPECT_HAS(e, "a gap of 4 bytes before tensor \"b\"");
    e = parse_error(
        raw_file(a + R"(,"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]})", std::string(24, '\0')));
    EXPECT_HAS(e, "tensor \"b\" (bytes 8..24) overlaps tensor \"a\"");
    // Two tensors on the very same bytes.
    e = parse_error(
        raw_file(a + R"(,"b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]})", std::string(16, '\0')));
    EXPECT_HAS(e, "overlaps");
    e = parse_error(raw_file(a, std::string(20, '\0')));
    EXPECT_HAS(e, "4 bytes after the last tensor's data");
    // The data stops short of the last tensor (a truncated download): its bytes are named, nothing read.
    const std::string file =
        raw_file(a + R"(,"b":{"dtype":"F32","shape":[4],"data_offsets":[16,32]})", std::string(20, '\0'));
    e = parse_error(file);
    const std::size_t data_start = file.size() - 20;
    EXPECT_HAS(e, "file truncated: tensor \"b\" needs bytes " + std::to_string(data_start + 16) + ".." +
                      std::to_string(data_start + 32) + ", the file has " + std::to_string(file.size()));
    // A gap at the very start.
    e = parse_error(
        raw_file(R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]})", std::string(8, '\0')));
    EXPECT_HAS(e, "a gap of 4 bytes before tensor \"a\"");
}

TEST(SafetensorsM4, DuplicateNamesAndMetadataTypes) {
    const std::string w = R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
    const std::string e = parse_error(raw_file(w + "," + w, "abcd"));
    EXPECT_HAS(e, "duplicate key \"w\"");
    EXPECT_HAS(e, "each tensor name may appear once");
    EXPECT_HAS(parse_error(raw_file(R"("__metadata__":{"format":1},)" + w, "abcd")),
               "__metadata__ value \"format\" must be a string");
    EXPECT_HAS(parse_error(raw_file(R"("__metadata__":{"a":{"b":"c"}},)" + w, "abcd")),
               "__metadata__ value \"a\" must be a string");
    EXPECT_HAS(parse_error(raw_file(R"("__metadata__":["pt"],)" + w, "abcd")),
               "__metadata__ must be an object");
}

}  // namespace
}  // namespace attnviz::model
