import Foundation
import MQTT
import PrognosCore
import Testing

@Suite struct SecretTests {
    @Test(arguments: [("s3cret\n", "s3cret"), ("s3cret\r\n", "s3cret"), ("s3cret", "s3cret"), ("two\n\n", "two\n")])
    func fileSecretLosesOneTrailingNewline(content: String, expected: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try content.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Secret.file(url.path).read() == expected)
    }

    @Test func environmentSecret() throws {
        #expect(try Secret.environment("MQTT_PW").read(environment: ["MQTT_PW": "pw"]) == "pw")
        #expect(throws: MQTTError.self) { try Secret.environment("MQTT_PW").read(environment: [:]) }
    }

    @Test func errorsNameTheSourceNotTheValue() {
        do {
            _ = try Secret.file("/nonexistent/prognos-secret").read()
        } catch {
            #expect(error.description.contains("file /nonexistent/prognos-secret"))
        }
    }
}
