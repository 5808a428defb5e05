import ArgumentParser

/// The `glimpse` command line: subcommands only wire library code.
@main
struct Glimpse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glimpse",
        abstract: "Image captioning with visual attention and recurrent language models, on the CPU.",
        subcommands: [CaptionCommand.self, AttentionCommand.self, CaptionTrainCommand.self, EvaluateCommand.self, ScoreCommand.self, SynthCommand.self, LanguageModelCommand.self, Demo.self]
    )
}
