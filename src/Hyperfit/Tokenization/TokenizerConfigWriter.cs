using System.Text.Json.Nodes;

namespace Hyperfit.Tokenization;

/// <summary>Writes the tokenizer_config.json that names BOS/EOS for a tokenizer Hyperfit trained.</summary>
public static class TokenizerConfigWriter
{
    public static void Write(string directory, string bosToken, string eosToken, bool addBosToken, int modelMaxLength)
    {
        var json = new JsonObject
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
            ["bos_token"] = bosToken,
            ["eos_token"] = eosToken,
            ["unk_token"] = null,
            ["add_bos_token"] = addBosToken,
            ["add_eos_token"] = false,
            ["clean_up_tokenization_spaces"] = false,
            ["model_max_length"] = modelMaxLength,
        };
        var path = Path.Combine(directory, "tokenizer_config.json");
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
