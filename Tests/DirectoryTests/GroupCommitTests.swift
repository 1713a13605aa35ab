import Directory
import Foundation
import Testing

/// Concurrent writes share transactions and commits (group commit); each must still stand or fall alone.
struct GroupCommitTests {
    @Test func concurrentWritesAreEachDurableAndAFailureTakesOnlyItself() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            _ = try await first.createAccount(name: "Taken", email: "taken@example.com")
            let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<48 {
                    group.addTask {
                        // Every eighth write breaks the email rule: it fails, inside a batch of writes that succeed.
                        let email = index % 8 == 3 ? "TAKEN@example.com" : "user\(index)@example.com"
                        do {
                            return (index, try await first.createAccount(name: "A\(index)", email: email).accountId)
                        } catch let error as DirectoryError {
                            #expect(error.kind == .alreadyExists)
                            return (index, nil)
                        }
                    }
                }
                var outcomes: [Int: String?] = [:]
                for try await (index, accountId) in group { outcomes[index] = accountId }
                return outcomes
            }
            // A second instance reads only what was committed to the file.
            let second = try await folder.openDirectory()
            for (index, accountId) in outcomes {
                if index % 8 == 3 {
                    #expect(accountId == nil)
                } else {
                    let id = try #require(accountId)
                    #expect(second.account(id: id)?.email == "user\(index)@example.com")
                }
            }
            #expect(outcomes.count == 48)
            #expect(outcomes.values.compactMap { $0 }.count == 42)
        }
    }
}

/// Concurrent callers of `catchUp` share refreshes, and each still sees what was committed before it asked.
struct SharedRefreshTests {
    @Test func everyCallerSeesWhatWasCommittedBeforeItAsked() async throws {
        try await Scratch.withFolder { folder in
            let writer = try await folder.openDirectory()
            let reader = try await folder.openDirectory()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let id = try await writer.createAccount(name: "R\(index)", email: "r\(index)@example.com").accountId
                        // Committed by the other instance before this caller asks: it must be there after.
                        try await reader.catchUp()
                        #expect(reader.account(id: id)?.email == "r\(index)@example.com")
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
