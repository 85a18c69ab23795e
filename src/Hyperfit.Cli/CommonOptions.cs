using System.CommandLine;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Hyperfit.Runtime;

namespace Hyperfit.Cli;

/// <summary>Options shared by computing commands.</summary>
public static class CommonOptions
{
    public static Option<string> Model(string description = "Hugging Face model folder (config.json, *.safetensors, tokenizer files)") =>
        new("--model", "-m") { Description = description, Required = true };

    public static Option<string> Device() =>
        new("--device") { Description = "cpu, cuda, cuda:N or auto", DefaultValueFactory = _ => "cpu" };

    public static Option<string> DType(string fallback = "float32") =>
        new("--dtype") { Description = "compute dtype: float32, bfloat16 or float16", DefaultValueFactory = _ => fallback };

    /// <summary>Model options from --device and --dtype (dropout stays off).</summary>
    public static ModelOptions ModelOptionsFrom(ParseResult parse, Option<string> device, Option<string> dtype) =>
        new(TensorDTypes.ParseComputeDType(parse.GetValue(dtype)!), ComputeDevice.Resolve(parse.GetValue(device)!));
}
