using System.Net;
using SlaKit.Budgets;

namespace SlaKit.Http;

/// <summary>Records each request's outcome in an error-budget tracker; see <c>AddErrorBudget</c>.</summary>
internal sealed class ErrorBudgetHandler(ErrorBudgetTracker tracker, TimeProvider time) : DelegatingHandler
{
    private readonly ErrorBudgetTracker _tracker = tracker;
    private readonly TimeProvider _time = time;
    private readonly bool _timed = tracker.Slo.LatencyThreshold is not null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: nothing about the service to count.
            throw;
        }
        catch
        {
            Record(started, succeeded: false);
            throw;
        }

        // A gRPC call's status is that of its answer: in the headers of a trailers-only answer (a call that failed before
        // sending a message, or in every region, as the failover reports it), judged as an HTTP status is; or in the
        // trailers after the body, judged once the caller has read it to its end. Its latency is to the headers either way.
        if (GrpcStatus.ComesInTrailers(response))
        {
            TimeSpan latency = _time.GetElapsedTime(started);
            response.Content = new TrailerStatusContent(response, status => Record(latency, status is { } code && !GrpcStatus.IsServerFault(code)), cancellationToken);
            return response;
        }

        bool succeeded = response.StatusCode < HttpStatusCode.InternalServerError && !(GrpcStatus.Of(response) is { } grpc && GrpcStatus.IsServerFault(grpc));
        if (!succeeded)
        {
            Record(started, succeeded: false);
            return response;
        }

        // A good answer's body may still break off (a region that crashes mid-body, a stream reset, a Content-Length cut
        // short): HttpClient then throws to its caller, and the request is bad. It is judged when its body ends or
        // fails; one its caller disposes before the end is good, unless the caller cancelled it (not counted, as a
        // request cancelled before its answer is not). Its latency is to the headers either way.
        TimeSpan toHeaders = _timed ? _time.GetElapsedTime(started) : default;
        response.Content = new TrailerStatusContent(
            response,
            status => Record(toHeaders, status is not null),
            cancellationToken,
            gaveUp: () =>
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    Record(toHeaders, succeeded: true);
                }
            },
            statusInTrailers: false);
        return response;
    }

    private void Record(long started, bool succeeded) => Record(_timed ? _time.GetElapsedTime(started) : default, succeeded);

    private void Record(TimeSpan latency, bool succeeded)
    {
        if (_timed)
        {
            _tracker.RecordLatency(latency, succeeded);
        }
        else if (succeeded)
        {
            _tracker.RecordSuccess();
        }
        else
        {
            _tracker.RecordFailure();
        }
    }
}
