using System.CommandLine;
using Hyperfit.Checkpoints;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit convert --model DIR --dtype bfloat16 --out DIR</c>: the same model folder with its weights in
/// another dtype. Logic in <see cref="ModelConverter"/>.</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var dtype = new Option<string>("--dtype") { Description = "weight dtype to write: float32, bfloat16 or float16", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "output model folder (config.json, model.safetensors, tokenizer files)", Required = true };
        var command = new Command("convert", "Write a model folder with its weights converted to another dtype.") { model, dtype, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var type = TensorDTypes.ParseComputeDType(parse.GetValue(dtype)!);
            ModelConverter.Convert(parse.GetValue(model)!, type, parse.GetValue(output)!);
            Console.WriteLine($"wrote {parse.GetValue(output)} ({TensorDTypes.ToTorchDTypeName(type)})");
            return 0;
        }));
        return command;
    }
}
