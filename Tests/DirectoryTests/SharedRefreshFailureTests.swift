@testable import Directory
import Synchronization
import Testing

/// The failure path of shared refreshes: when a refresh that others wait for fails, they refresh on their own.
struct SharedRefreshFailureTests {
    struct Failed: Error {}

    @Test func waitersOfAFailedRefreshRefreshOnTheirOwn() async throws {
        let shared = SharedRefresh()
        let calls = Atomic<Int>(0)
        let refresh: @Sendable () async throws -> Void = {
            let call = calls.add(1, ordering: .relaxed).newValue
            // The first refresh is slow, so that the others queue behind it; the second, run for them, fails.
            if call == 1 { try await Task.sleep(for: .milliseconds(200)) }
            if call == 2 { throw Failed() }
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await shared.run(refresh)) != nil }
            try? await Task.sleep(for: .milliseconds(50))
            for _ in 0..<3 { group.addTask { (try? await shared.run(refresh)) != nil } }
            var outcomes: [Bool] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        // Only the caller that ran the failed refresh fails; the two it was run for refreshed again, alone.
        #expect(outcomes.filter { !$0 }.count == 1)
        #expect(calls.load(ordering: .relaxed) == 4)
    }
}
