import PrognosCore
import Testing

/// Listen addresses: HOST:PORT with an IPv4 literal, or PORT alone on the loopback address.
@Suite struct ListenAddressTests {
    @Test func portAloneListensOnLoopback() throws {
        let address = try ListenAddress.parse("9464").get()
        #expect(address == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(address.isLoopback)
        #expect(address.description == "127.0.0.1:9464")
    }

    @Test func anExplicitHostIsKept() throws {
        let address = try ListenAddress.parse("0.0.0.0:9100").get()
        #expect(address == ListenAddress(host: "0.0.0.0", port: 9100))
        #expect(!address.isLoopback)
    }

    @Test(arguments: ["", ":", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "a:b:c", "127.0.0.1:94x"])
    func badPortsAreRefused(_ text: String) {
        #expect(throws: ListenAddressError.self) { try ListenAddress.parse(text).get() }
    }

    @Test(arguments: ["localhost:9464", "256.0.0.1:9464", "1.2.3:9464", "1.2.3.4.5:9464", "::1:9464", "١.2.3.4:80"])
    func hostsThatAreNotIPv4LiteralsAreRefused(_ text: String) {
        #expect(throws: ListenAddressError.self) { try ListenAddress.parse(text).get() }
    }
}
