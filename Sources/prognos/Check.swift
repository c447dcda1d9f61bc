import ArgumentParser

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a plant file and print its summary.")
    @Argument(help: "The plant file (YAML).") var plant: String
    func run() async throws {}
}
