using System.Net;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// A terminal handler that answers later, as a socket does: each request gets a pending task, completed only when the
/// benchmark calls <see cref="AnswerAll"/>. The continuations then run on the benchmark's own thread, so every handler's
/// asynchronous path is measured without a thread-pool hop or a socket in the figures.
/// </summary>
internal sealed class LaterAnswerHandler : HttpMessageHandler
{
    private readonly List<(TaskCompletionSource<HttpResponseMessage> Answer, HttpRequestMessage Request)> _pending = [];

    /// <summary>Answers 200 to every request still waiting, in the order they came.</summary>
    public void AnswerAll()
    {
        for (int i = 0; i < _pending.Count; i++)
        {
            (TaskCompletionSource<HttpResponseMessage> answer, HttpRequestMessage request) = _pending[i];
            answer.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }

        _pending.Clear();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Continuations run where the answer is set: on the benchmark's thread, inside AnswerAll.
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        _pending.Add((answer, request));
        return answer.Task;
    }
}
