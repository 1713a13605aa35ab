@testable import GatehouseServer
import NIOCore
import Testing

/// Whose share of connections a peer counts against.
struct ConnectionCountsTests {
    @Test func anIPv6PeerCountsAgainstItsSlash64() throws {
        let first = try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)
        let second = try SocketAddress(ipAddress: "2001:db8:1:2:bbbb:cccc:dddd:2", port: 2)
        let elsewhere = try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 3)
        #expect(ConnectionCounts.key(of: first) == "2001:db8:1:2::/64")
        #expect(ConnectionCounts.key(of: second) == ConnectionCounts.key(of: first))
        #expect(ConnectionCounts.key(of: elsewhere) == "2001:db8:1:3::/64")
    }

    @Test func anIPv4PeerCountsAlone() throws {
        #expect(ConnectionCounts.key(of: try SocketAddress(ipAddress: "203.0.113.9", port: 1)) == "203.0.113.9")
        // An IPv4 client reaching an IPv6 listener counts alone too, not as the /64 every such client shares.
        let mapped = try SocketAddress(ipAddress: "::ffff:203.0.113.9", port: 1)
        #expect(ConnectionCounts.key(of: mapped) != "0:0:0:0::/64")
        #expect(ConnectionCounts.key(of: mapped) == mapped.ipAddress)
    }

    @Test func aKeyHoldsItsLimitAndGetsPlacesBack() {
        let counts = ConnectionCounts(limit: 2)
        #expect(counts.admit("a") && counts.admit("a"))
        #expect(!counts.admit("a") && counts.admit("b"))
        counts.release("a")
        #expect(counts.admit("a"))
    }
}
