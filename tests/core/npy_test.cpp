// .npy reading and writing: round trips and every malformed-file error.
#include "core/io/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace attnviz {
namespace {

std::string header_v1(const std::string& dict) {
    std::string h = dict;
    const std::size_t total = 10 + h.size() + 1;
    h.append((64 - total % 64) % 64, ' ');
    h += '\n';
    std::string out = "\x93NUMPY\x01";
    out += '\0';
    out += static_cast<char>(h.size() & 0xff);
    out += static_cast<char>(h.size() >> 8);
    return out + h;
}

std::string f32_bytes(std::initializer_list<float> v) {
    std::string s;
    for (float x : v) s.append(reinterpret_cast<const char*>(&x), 4);
    return s;
}

std::string temp_path(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("attnviz_npy_test_") + name)).string();
}

TEST(Npy, RoundTripFloat32) {
    const std::string path = temp_path("rt.npy");
    const float data[] = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
    ASSERT_EQ(io::write_npy(path, {2, 1, 3}, data), "");
    Expected<io::NpyArray> a = io::read_npy(path);
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{2, 1, 3}));
    EXPECT_EQ(a->data, std::vector<float>(data, data + 6));
    std::ifstream f(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ((bytes.size() - 6 * 4) % 64, 0u) << "data starts on a 64-byte boundary";
    std::remove(path.c_str());
}

TEST(Npy, ReadsFloat64AndVersion2) {
    std::string body;
    for (double x : {0.5, -1.25}) body.append(reinterpret_cast<const char*>(&x), 8);
    Expected<io::NpyArray> a =
        io::parse_npy(header_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }") + body, "x.npy");
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(a->data, (std::vector<float>{0.5f, -1.25f}));

    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
    std::string v2 = "\x93NUMPY\x02";
    v2 += '\0';
    const std::uint32_t len = static_cast<std::uint32_t>(dict.size() + 1);
    v2.append(reinterpret_cast<const char*>(&len), 4);
    v2 += dict + "\n" + f32_bytes({4.0f});
    Expected<io::NpyArray> b = io::parse_npy(v2, "v2.npy");
    ASSERT_TRUE(b.ok()) << b.error();
    EXPECT_EQ(b->data, std::vector<float>{4.0f});
}

TEST(Npy, ReadsBoolAndUint8Masks) {
    const std::string body = std::string("\x01\x00\x01", 3);
    Expected<io::NpyMask> m = io::parse_npy_mask(
        header_v1("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }") + body, "m.npy");
    ASSERT_TRUE(m.ok()) << m.error();
    EXPECT_EQ(m->data, (std::vector<std::uint8_t>{1, 0, 1}));
    Expected<io::NpyMask> u =
        io::parse_npy_mask(header_v1("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }") +
                               std::string("\x05\x00\x00", 3),
                           "u.npy");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->data, (std::vector<std::uint8_t>{1, 0, 0}));
}

void expect_error(const std::string& bytes, const char* fragment) {
    Expected<io::NpyArray> a = io::parse_npy(bytes, "bad.npy");
    ASSERT_FALSE(a.ok()) << "accepted, wanted error: " << fragment;
    EXPECT_NE(a.error().find(fragment), std::string::npos) << a.error();
    EXPECT_EQ(a.error().rfind("bad.npy:", 0), 0u) << "errors name the file: " << a.error();
}

TEST(Npy, MalformedFilesGiveSpecificErrors) {
    const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    expect_error("", "file is empty");
    expect_error("PK\x03\x04 not numpy at all", "not a .npy file");
    std::string v9 = header_v1(ok_dict);
    v9[6] = 9;
    expect_error(v9, "unsupported .npy version 9.0");
    expect_error(header_v1(ok_dict).substr(0, 40), "file truncated");
    expect_error(header_v1(ok_dict) + f32_bytes({1.0f}),
                 "needs 8 data bytes but the file has 4 (truncated?)");
    expect_error(header_v1(ok_dict) + f32_bytes({1, 2, 3}), "(trailing bytes)");
    expect_error(header_v1("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"),
                 "dtype '<i8' is not supported");
    expect_error(header_v1("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"), "big-endian");
    expect_error(header_v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"), "Fortran order");
    expect_error(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1), }"),
                 "4 dimensions");
    expect_error(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"), "0 dimensions");
    expect_error(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"), "malformed header");
    expect_error(header_v1("{'descr': '<f4', 'shape': (2,), }"), "lacks");
    expect_error(header_v1("descr: f4"), "does not start with '{'");
    expect_error(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999,), }"),
                 "malformed header");
}

TEST(Npy, MaskRejectsFloatDtype) {
    Expected<io::NpyMask> m = io::parse_npy_mask(
        header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }") + f32_bytes({1.0f}),
        "pad.npy");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().find("is not a mask"), std::string::npos);
}

TEST(Npy, MissingFileAndDirectoryNameThePath) {
    Expected<io::NpyArray> a = io::read_npy("/nonexistent/dir/q.npy");
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().find("/nonexistent/dir/q.npy"), std::string::npos);
    EXPECT_NE(a.error().find("No such file"), std::string::npos) << a.error();
    Expected<io::NpyArray> d = io::read_npy(std::filesystem::temp_directory_path().string());
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().find("is a directory"), std::string::npos);
}

TEST(Npy, FailedWriteLeavesNoFile) {
    const float x = 1.0f;
    const Status s = io::write_npy("/nonexistent/dir/out.npy", {1}, &x);
    EXPECT_NE(s.find("cannot write /nonexistent/dir/out.npy"), std::string::npos) << s;
}

}  // namespace
}  // namespace attnviz
