using Parley.Client.Sessions;

namespace Parley.Server.Tests;

public class UpdateOrderTests
{
    [Fact]
    public void An_update_fanned_out_before_the_join_answered_is_delivered_once_the_join_says_where_delivery_starts()
    {
        var order = new UpdateOrder();
        Assert.True(order.Offer(58, null)); // pushed by another member after the join read the log, here before the join's answer

        order.Skip(57); // the join resumed from 57 and its catch-up was empty
        order.EndJoin();

        Assert.True(order.TryTakeNext(out _));
        Assert.Equal(58, order.Delivered);
        Assert.False(order.HasGap);
    }

    [Fact]
    public void Updates_above_a_gap_wait_for_it_and_duplicates_are_refused()
    {
        var order = new UpdateOrder();
        order.EndJoin();
        foreach (var seq in new long[] { 2, 3 }) Assert.True(order.Offer(seq, null));
        Assert.False(order.TryTakeNext(out _));
        Assert.True(order.HasGap);

        Assert.True(order.Offer(1, null));
        for (var i = 0; i < 3; i++) Assert.True(order.TryTakeNext(out _));
        Assert.Equal(3, order.Delivered);
        Assert.False(order.Offer(2, null));
        Assert.False(order.HasGap);
    }
}
