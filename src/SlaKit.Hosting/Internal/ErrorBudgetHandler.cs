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
            response.Content = new JudgedAnswer(this, response, _time.GetElapsedTime(started), statusInTrailers: true, cancellationToken);
            return response;
        }

        bool succeeded = response.StatusCode < HttpStatusCode.InternalServerError && !(GrpcStatus.Of(response) is { } grpc && GrpcStatus.IsServerFault(grpc));
        if (!succeeded || !WatchedContent.MayBreakOff(response, request.Method))
        {
            Record(started, succeeded);
            return response;
        }

        // A good answer's body may still break off (a region that crashes mid-body, a stream reset, a Content-Length cut
        // short): HttpClient then throws to its caller, and the request is bad. It is judged when its body ends or
        // fails; one its caller disposes before the end is good, unless the caller cancelled it (not counted, as a
        // request cancelled before its answer is not). Its latency is to the headers either way. A long stream that a
        // load balancer or a server's shutdown cuts after minutes is bad too, unlike for its region's health (see
        // RegionAttempts): the budget counts what its caller saw, and its caller got an exception, whoever cut it.
        response.Content = new JudgedAnswer(this, response, _timed ? _time.GetElapsedTime(started) : default, statusInTrailers: false, cancellationToken);
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

    /// <summary>
    /// The body of an answer counted once it is known how it ended (see <see cref="WatchedContent"/>): a gRPC answer is
    /// good unless its status is the server's fault or it has none; any other is good when its body ends, bad when it
    /// breaks off. One the caller leaves early is good, unless it is a gRPC call (its status unknown) or the caller
    /// cancelled it: then it is not counted.
    /// </summary>
    private sealed class JudgedAnswer(ErrorBudgetHandler handler, HttpResponseMessage response, TimeSpan latency, bool statusInTrailers, CancellationToken callCancellation)
        : WatchedContent(response, statusInTrailers, callCancellation)
    {
        protected override void Judge(int? status) =>
            handler.Record(latency, StatusInTrailers ? status is { } code && !GrpcStatus.IsServerFault(code) : status is not null);

        protected override void GaveUp()
        {
            if (!StatusInTrailers && !CallCancellation.IsCancellationRequested)
            {
                handler.Record(latency, succeeded: true);
            }
        }
    }
}
