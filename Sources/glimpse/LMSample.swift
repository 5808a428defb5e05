import ArgumentParser
import Foundation
import LanguageModeling
import NN

/// `glimpse lm sample`: generates text, streamed as it comes.
struct LMSample: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Generate text from a language model.")

    @OptionGroup var model: ModelOption

    @Option(help: "Text to start from.")
    var prime = ""

    @Option(help: "Tokens to generate.")
    var length = 500

    @Option(help: "Sampling temperature (lower is more conservative).")
    var temperature: Float = 1

    @Option(name: .customLong("top-k"), help: "Sample only among the k most likely tokens (0: all).")
    var topK = 0

    @Flag(help: "Always take the most likely token.")
    var argmax = false

    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 0

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must not be negative") }
        guard temperature > 0 || argmax else { throw ValidationError("--temperature must be positive (or use --argmax)") }
        guard topK >= 0 else { throw ValidationError("--top-k must not be negative") }
    }

    func run() throws {
        let (lm, vocabulary) = try ModelFolder(try model.resolve()).loadLanguageModel()
        var options = SamplingOptions()
        options.prime = prime; options.length = length; options.temperature = temperature
        options.topK = topK; options.argmax = argmax; options.seed = seed
        let sampler = LMSampler(model: lm, vocabulary: vocabulary)
        print(prime, terminator: "")
        fflush(nil)
        // Streamed a line at a time (or every 256 bytes): a write per character would cost the
        // sampler more than a step of the model.
        var pending = ""
        let (_, unknown) = sampler.generate(options) { piece in
            pending += piece
            if pending.utf8.count >= 256 || piece.hasSuffix("\n") {
                print(pending, terminator: "")
                fflush(nil)
                pending = ""
            }
        }
        print(pending)
        if !unknown.isEmpty {
            FileHandle.standardError.write(Data("note: the prime has \(unknown.count) token(s) the model does not know, read as <unk>: \(Set(unknown).sorted().joined(separator: " "))\n".utf8))
        }
    }
}
