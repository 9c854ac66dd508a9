import Foundation

extension PythonParquetReader {
    /// Reads only the rows of `file` that the SQL condition `condition` keeps, with DuckDB
    /// (`read_parquet.py --where`), which prunes row groups by their statistics before it
    /// filters: a check that statistics and data agree, from a reader's side.
    public func readFiltered(_ file: URL, where condition: String) throws -> ParquetReadout {
        let arguments = [Self.scriptPath, "--reader", "duckdb", "--where", condition, file.path]
        let result = try runProcess(python, arguments)
        guard result.succeeded else {
            throw ProcessError(
                command: [python] + arguments, result: result,
                message: "duckdb could not read \(file.lastPathComponent) where \(condition) (exit \(result.status))")
        }
        do {
            return try JSONDecoder().decode(ParquetReadout.self, from: result.standardOutput)
        } catch {
            throw ProcessError(
                command: [python] + arguments, result: result, message: "its output is not the expected JSON: \(error)")
        }
    }
}
