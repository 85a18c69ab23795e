using System.Text;
using Hyperfit.IO.Safetensors;

namespace Hyperfit.Tests.IO.Safetensors;

/// <summary>Each malformed input is refused with a one-line message naming the file, the tensor and the problem.</summary>
public sealed class SafetensorsFileValidationTests : IDisposable
{
    private readonly SafetensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Entry(string name, string body) => $"\"{name}\":{{{body}}}";

    private static string Ok(string name, int begin, int end, string shape = "[2]", string dtype = "F32") =>
        Entry(name, $"\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]");

    private SafetensorsFormatException RejectsHeader(string header, int dataBytes, string? tensor, string problem)
    {
        // Given a file with this header and data, when opened, then it is refused naming file, tensor and problem
        var path = _files.Build("bad.safetensors", header, new byte[dataBytes]);
        var e = SafetensorsTestFiles.Rejects(path);
        Assert.Equal(tensor, e.TensorName);
        if (tensor is not null)
        {
            Assert.StartsWith($"{path}: tensor '{tensor.Replace("\n", "\\n", StringComparison.Ordinal)}': ", e.Message, StringComparison.Ordinal);
        }

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Should_reject_a_file_shorter_than_8_bytes()
    {
        var path = _files.PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 0, 0]);
        var e = SafetensorsTestFiles.Rejects(path);
        Assert.Contains("3 bytes, shorter than the 8-byte header length", e.Message, StringComparison.Ordinal);
        Assert.Null(e.TensorName);
    }

    [Fact]
    public void Should_reject_an_empty_file()
    {
        var path = _files.PathOf("empty.safetensors");
        File.WriteAllBytes(path, []);
        Assert.Contains("0 bytes", SafetensorsTestFiles.Rejects(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_header_length_past_the_end_of_the_file()
    {
        var path = _files.Build("past.safetensors", "{}", headerLength: 100);
        Assert.Contains("header length 100 runs past the end of the file (10 bytes)", SafetensorsTestFiles.Rejects(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_an_absurd_header_length_without_allocating_it()
    {
        var path = _files.Build("huge.safetensors", "{}", headerLength: ulong.MaxValue);
        Assert.Contains("exceeds the 100000000-byte limit", SafetensorsTestFiles.Rejects(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_header_that_is_not_UTF8()
    {
        var header = Encoding.UTF8.GetBytes("{\"a\":{}}").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        var path = _files.BuildRaw("utf.safetensors", header, []);
        Assert.EndsWith(": header is not valid UTF-8", SafetensorsTestFiles.Rejects(path).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",}")]
    [InlineData("not json")]
    [InlineData("{} {}")]
    [InlineData("{}\0\0")]
    [InlineData("")]
    public void Should_reject_a_header_that_is_not_JSON(string header)
    {
        var path = _files.Build("json.safetensors", header);
        var message = SafetensorsTestFiles.Rejects(path).Message;
        Assert.True(message.Contains("not valid JSON", StringComparison.Ordinal) || message.Contains("after the JSON object", StringComparison.Ordinal), message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"x\"")]
    public void Should_reject_a_header_that_is_not_an_object(string header)
    {
        var path = _files.Build("notobj.safetensors", header);
        Assert.EndsWith(": header is not a JSON object", SafetensorsTestFiles.Rejects(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_an_empty_header_object_with_padding()
    {
        // Given "{}" padded with spaces and no data, when opened, then it is an empty file, not an error
        using var file = SafetensorsFile.Open(_files.Build("ok.safetensors", "{}      "));
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Theory]
    [InlineData("\"shape\":[2],\"data_offsets\":[0,8]", "missing \"dtype\"")]
    [InlineData("\"dtype\":\"F32\",\"data_offsets\":[0,8]", "missing \"shape\"")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2]", "missing \"data_offsets\"")]
    public void Should_reject_a_tensor_missing_a_field(string body, string problem) =>
        RejectsHeader($"{{{Entry("w", body)}}}", 8, "w", problem);

    [Theory]
    [InlineData("\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]", "\"dtype\" must be a string, not a number")]
    [InlineData("\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]", "\"shape\" must be an array of non-negative integers, not a string")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]", "\"shape\" must be an array of non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]", "\"shape\" must be an array of non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]", "\"shape\" must be an array of non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"begin\":0}", "\"data_offsets\" must be an array of two non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]", "\"data_offsets\" must be an array of two non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]", "\"data_offsets\" must be an array of two non-negative integers")]
    [InlineData("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-1,8]", "\"data_offsets\" must be an array of two non-negative integers")]
    public void Should_reject_a_tensor_field_of_the_wrong_JSON_type(string body, string problem) =>
        RejectsHeader($"{{{Entry("w", body)}}}", 8, "w", problem);

    [Fact]
    public void Should_reject_a_tensor_entry_that_is_not_an_object() =>
        RejectsHeader("{\"w\":[1,2]}", 0, "w", "entry must be an object, not a array");

    [Theory]
    [InlineData("F8_E4M3")]
    [InlineData("f32")]
    [InlineData("9")]
    public void Should_reject_an_unknown_dtype(string dtype) =>
        RejectsHeader($"{{{Ok("w", 0, 8, dtype: dtype)}}}", 8, "w", $"unknown dtype \"{dtype}\"");

    [Fact]
    public void Should_reject_a_negative_dimension() =>
        RejectsHeader($"{{{Ok("w", 0, 8, shape: "[2,-4]")}}}", 8, "w", "negative dimension -4 in shape");

    [Fact]
    public void Should_reject_data_offsets_with_begin_after_end() =>
        RejectsHeader($"{{{Ok("w", 8, 0)}}}", 8, "w", "data_offsets begin 8 is greater than end 0");

    [Fact]
    public void Should_reject_data_offsets_past_the_data_buffer() =>
        RejectsHeader($"{{{Ok("w", 0, 8)}}}", 4, "w", "data_offsets end 8 is beyond the data buffer (4 bytes)");

    [Fact]
    public void Should_reject_a_shape_that_does_not_match_the_byte_count() =>
        RejectsHeader($"{{{Ok("w", 0, 12, shape: "[2,2]")}}}", 12, "w", "shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 12] cover 12");

    [Fact]
    public void Should_reject_a_shape_whose_size_overflows() =>
        RejectsHeader($"{{{Ok("w", 0, 8, shape: "[9223372036854775807,4]")}}}", 8, "w", "too large");

    [Fact]
    public void Should_reject_overlapping_tensors()
    {
        var e = RejectsHeader($"{{{Ok("a", 0, 8)},{Ok("b", 4, 12)}}}", 12, "b", "data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        Assert.Equal("b", e.TensorName);
    }

    [Fact]
    public void Should_reject_a_hole_between_tensors() =>
        RejectsHeader($"{{{Ok("a", 0, 8)},{Ok("b", 12, 20)}}}", 20, "b", "leaves a hole after tensor 'a', which ends at 8");

    [Fact]
    public void Should_reject_a_hole_at_the_start_of_the_data() =>
        RejectsHeader($"{{{Ok("a", 4, 12)}}}", 12, "a", "data_offsets begin 4 leaves a hole");

    [Fact]
    public void Should_reject_trailing_data_that_belongs_to_no_tensor() =>
        RejectsHeader($"{{{Ok("a", 0, 8)}}}", 10, null, "the data buffer has 10 bytes but the tensors cover only 8");

    [Fact]
    public void Should_reject_a_zero_size_tensor_inside_another_tensor() =>
        RejectsHeader($"{{{Ok("a", 0, 8)},{Ok("z", 4, 4, shape: "[0]")}}}", 8, "z", "overlap tensor 'a'");

    [Fact]
    public void Should_accept_zero_size_tensors_at_a_boundary()
    {
        // Given two empty tensors at offset 8, after an 8-byte one, when opened, then all three are listed
        using var file = SafetensorsFile.Open(_files.Build("zeros.safetensors",
            $"{{{Ok("z2", 8, 8, shape: "[0]")},{Ok("a", 0, 8)},{Ok("z1", 8, 8, shape: "[2,0]")}}}", new byte[8]));
        Assert.Equal(["a", "z1", "z2"], file.Tensors.Select(t => t.Name));
        Assert.Equal(0, file.GetBytes("z1").Length);
    }

    [Fact]
    public void Should_reject_a_duplicate_tensor_name() =>
        RejectsHeader($"{{{Ok("a", 0, 8)},{Ok("a", 0, 8)}}}", 8, "a", "duplicate tensor name in header");

    [Fact]
    public void Should_reject_a_duplicate_key_inside_a_tensor_entry() =>
        RejectsHeader($"{{{Entry("a", "\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]")}}}", 8, "a", "duplicate key \"dtype\"");

    [Fact]
    public void Should_ignore_unknown_keys_in_a_tensor_entry_like_the_reference()
    {
        using var file = SafetensorsFile.Open(_files.Build("extra.safetensors",
            $"{{{Entry("a", "\"dtype\":\"U8\",\"note\":{\"x\":[1,2]},\"shape\":[1],\"data_offsets\":[0,1]")}}}", [5]));
        Assert.Equal(5, file.GetBytes("a")[0]);
    }

    [Theory]
    [InlineData("\"__metadata__\":[\"a\"]", "\"__metadata__\" must be an object of string values")]
    [InlineData("\"__metadata__\":\"pt\"", "\"__metadata__\" must be an object of string values")]
    [InlineData("\"__metadata__\":{\"format\":1}", "\"__metadata__\" must be an object of string values; \"format\" is a number")]
    [InlineData("\"__metadata__\":{\"a\":{\"b\":\"c\"}}", "\"a\" is a object")]
    [InlineData("\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}", "duplicate key \"a\" in \"__metadata__\"")]
    [InlineData("\"__metadata__\":{},\"__metadata__\":{}", "duplicate key \"__metadata__\" in header")]
    public void Should_reject_metadata_that_is_not_a_string_map(string metadata, string problem) =>
        RejectsHeader($"{{{metadata}}}", 0, null, problem);

    [Fact]
    public void Should_keep_the_message_on_one_line_for_a_hostile_tensor_name()
    {
        // Given a tensor name with a newline, when rejected, then the name is escaped in the message
        var e = RejectsHeader($"{{{Ok("a\\nb", 0, 8, shape: "[3]")}}}", 8, "a\nb", "needs 12 bytes");
        Assert.Contains("tensor 'a\\nb'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_deeply_nested_JSON_without_a_stack_overflow()
    {
        var header = "{\"a\":{\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}}";
        var e = SafetensorsTestFiles.Rejects(_files.Build("deep.safetensors", header));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_survive_random_corruption_of_a_valid_file()
    {
        // Given a valid file, when single bytes of its prefix and header are flipped or it is truncated,
        // then opening either succeeds or throws SafetensorsFormatException: never another exception or a hang
        var path = _files.PathOf("fuzz-src.safetensors");
        SafetensorsWriter.Write(path,
        [
            SafetensorsTestFiles.Tensor("a", SafetensorsDType.F32, [2, 2], new byte[16]),
            SafetensorsTestFiles.Tensor("b", SafetensorsDType.U8, [3], [1, 2, 3]),
        ]);
        var original = File.ReadAllBytes(path);
        var random = new Random(1234);
        var target = _files.PathOf("fuzz.safetensors");
        for (var i = 0; i < 400; i++)
        {
            var bytes = (byte[])original.Clone();
            if (i % 10 == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }
            else
            {
                bytes[random.Next(Math.Min(bytes.Length, 140))] = (byte)random.Next(256);
            }

            File.WriteAllBytes(target, bytes);
            try
            {
                using var file = SafetensorsFile.Open(target);
                foreach (var t in file.Tensors)
                {
                    Assert.Equal(t.ByteLength, file.GetBytes(t.Name).Length);
                }
            }
            catch (SafetensorsFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }
}
