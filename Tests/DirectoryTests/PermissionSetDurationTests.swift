@testable import Directory
import Testing

/// Permission set session durations: ISO 8601 hours, minutes and seconds, 1 to 12 hours.
struct PermissionSetDurationTests {
    @Test(arguments: [("PT1H", 3600), ("PT12H", 43200), ("PT1H30M", 5400), ("PT90M", 5400), ("PT3600S", 3600)])
    func durationsInSeconds(text: String, seconds: Int) {
        #expect(SSOAdminOperations.seconds(text) == seconds)
    }

    @Test(arguments: ["P1D", "PT", "PT1", "1H", "PTH", "PT1X", ""])
    func malformedDurations(text: String) {
        #expect(SSOAdminOperations.seconds(text) == nil)
    }

    @Test(arguments: ["PT59M", "PT13H", "PT12H1S"])
    func outOfRangeIsRefused(text: String) {
        #expect(throws: (any Error).self) { try SSOAdminOperations.validSessionDuration(text) }
    }
}
