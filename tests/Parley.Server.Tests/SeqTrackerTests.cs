using Parley.Client.Sessions;

namespace Parley.Server.Tests;

public class SeqTrackerTests
{
    [Fact]
    public void An_update_fanned_out_before_the_join_answered_still_counts_once_the_join_resets_the_tracker()
    {
        var seqs = new SeqTracker();
        seqs.Saw(58); // pushed by another member after the join read the log, delivered before the join's answer

        seqs.Reset(57); // the join resumed from 57 and its catch-up was empty

        Assert.Equal(58, seqs.Contiguous);
    }

    [Fact]
    public void A_reset_forgets_what_it_covers_and_waits_for_the_gap_after_it()
    {
        var seqs = new SeqTracker();
        foreach (var seq in new long[] { 3, 5, 7 }) seqs.Saw(seq);

        seqs.Reset(4);
        Assert.Equal(5, seqs.Contiguous);
        seqs.Saw(6);
        Assert.Equal(7, seqs.Contiguous);
    }
}
