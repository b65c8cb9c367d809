//! Atlassian Statuspage v2. (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str) -> Vec<String> { vec![format!("{base}/api/v2/summary.json")] }
pub fn read(_body: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
pub fn read_history(_body: &[u8]) -> Result<Vec<Incident>, ReadError> { Err(ReadError::Shape("unwritten".into())) }
