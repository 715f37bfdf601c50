// Calls the X-Ray API served next to the console. Every operation is a POST with a JSON body,
// exactly as AWS's SDKs send it, so the console exercises the same code paths as the AWS CLI.

/** An error answered by the API, carrying X-Ray's error type and message. */
export class ApiError extends Error {
  constructor(type, message, status) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export async function call(path, body = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', `cannot reach the X-Ray API: ${e.message}`, 0);
  }
  const text = await response.text();
  let json = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ApiError('InvalidResponse', `unreadable answer from ${path}: ${text.slice(0, 200)}`,
        response.status);
    }
  }
  if (!response.ok) {
    const type = (json.__type || response.headers.get('x-amzn-ErrorType') || 'Error')
      .split('#').pop().split(':')[0];
    throw new ApiError(type, json.message || json.Message || `HTTP ${response.status}`,
      response.status);
  }
  return json;
}

export const getServiceGraph = (startTime, endTime) =>
  call('/ServiceGraph', { StartTime: startTime, EndTime: endTime });

export const getTraceSummaries = (startTime, endTime, filterExpression, nextToken) => {
  const body = { StartTime: startTime, EndTime: endTime };
  if (filterExpression) body.FilterExpression = filterExpression;
  if (nextToken) body.NextToken = nextToken;
  return call('/TraceSummaries', body);
};

export const batchGetTraces = (traceIds) => call('/Traces', { TraceIds: traceIds });

export const getSamplingRules = (nextToken) =>
  call('/GetSamplingRules', nextToken ? { NextToken: nextToken } : {});
export const createSamplingRule = (rule) => call('/CreateSamplingRule', { SamplingRule: rule });
export const updateSamplingRule = (update) =>
  call('/UpdateSamplingRule', { SamplingRuleUpdate: update });
export const deleteSamplingRule = (ruleName) => call('/DeleteSamplingRule', { RuleName: ruleName });
